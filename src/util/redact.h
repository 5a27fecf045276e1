/*
 * util/redact.h - personal data in free text replaced by placeholders.
 *
 * What seed 000 calls pattern-based redaction, for conversation text that
 * has no redacted copy of its own. Each finding becomes one placeholder;
 * the rest of the text is kept as it is:
 *   REDACT_BASIC   e-mail addresses       [EMAIL]
 *                  payment card numbers   [CARD]   13 to 19 digits
 *                  phone numbers          [PHONE]  7 to 15 digits, with + ( ) - . or spaces
 *                  identifiers            [ID]     tokens mixing letters and digits
 *                                                  (POL-8892, clm_7f3a21, a UUID), an
 *                                                  SSN-like 123-45-6789, 20 digits or
 *                                                  more, and 4+ digits after a word such
 *                                                  as "claim", "policy", "account" or "#"
 *   REDACT_STRICT  all of the above, and
 *                  street addresses       [ADDRESS] "42 High Street", "7b Elm Rd"
 *                  person names           [NAME]   capitalised words after a title
 *                                                  ("Dr [NAME]") or an introduction
 *                                                  ("my name is [NAME]", "I'm [NAME]")
 * ISO dates (2024-03-15) are not phone numbers. The patterns read ASCII
 * only (other bytes are kept as they are), so the result never depends on
 * the locale; the same text always gives the same bytes. Pure: any thread.
 */
#ifndef UTIL_REDACT_H
#define UTIL_REDACT_H

#include <stddef.h>

#include "util/strbuf.h"

enum redact_level { REDACT_NONE = 0, REDACT_BASIC, REDACT_STRICT };

/* s[0..n) redacted at `level`, appended to *out. 0, or -1 (memory, out->max). */
int redact_text(const char *s, size_t n, int level, struct strbuf *out);

#endif
