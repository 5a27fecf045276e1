/*
 * Pattern redaction (util/redact.h): one left-to-right scan. At the start
 * of each token the matchers are tried in a fixed order (e-mail, street
 * address, identifier, digit group, name); the first that matches
 * replaces its text with a placeholder. A token nothing matches is copied
 * whole, so no pattern ever starts inside a word.
 */
#include "util/redact.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_alpha(int c)
{
	return is_upper(c) || is_lower(c);
}

static bool is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

static int lower(int c)
{
	return is_upper(c) ? c - 'A' + 'a' : c;
}

/* s[0..n) equals word (lowercase ASCII), ignoring case */
static bool word_is(const char *s, size_t n, const char *word)
{
	size_t i = 0;

	for (; i < n && word[i]; i++)
		if (lower((unsigned char)s[i]) != word[i])
			return false;
	return i == n && !word[i];
}

static bool word_in(const char *s, size_t n, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (word_is(s, n, words[i]))
			return true;
	return false;
}

/* ---- e-mail: local@domain.tld ---- */

static bool email_local(int c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static size_t match_email(const char *s, size_t n, size_t i)
{
	size_t j = i, at, end, dot = 0, tld = 0;

	while (j < n && email_local((unsigned char)s[j]))
		j++;
	if (j == i || j >= n || s[j] != '@')
		return 0;
	at = j++;
	while (j < n && (is_alnum((unsigned char)s[j]) || s[j] == '.' || s[j] == '-'))
		j++;
	end = j;
	while (end > at + 1 && (s[end - 1] == '.' || s[end - 1] == '-'))
		end--;
	for (size_t k = at + 1; k < end; k++)
		if (s[k] == '.')
			dot = k;
	if (!dot || dot == at + 1)
		return 0;
	for (size_t k = dot + 1; k < end; k++)
		tld += is_alpha((unsigned char)s[k]) ? 1 : 0;
	return tld >= 2 && tld == end - dot - 1 ? end - i : 0;
}

/* ---- words ---- */

/* End of the word at i: letters, then letters, apostrophes and hyphens, or UTF-8 bytes. */
static size_t word_end(const char *s, size_t n, size_t i)
{
	size_t j = i;

	while (j < n) {
		unsigned char c = (unsigned char)s[j];

		if (is_alpha(c) || c >= 0x80 ||
		    ((c == '\'' || c == '-') && j > i && j + 1 < n &&
		     is_alpha((unsigned char)s[j + 1])))
			j++;
		else
			break;
	}
	return j;
}

/* A capitalised word at i (Ana, O'Neil, Jean-Luc): its end, else i. */
static size_t cap_word(const char *s, size_t n, size_t i)
{
	size_t e;

	if (i >= n || !is_upper((unsigned char)s[i]))
		return i;
	e = word_end(s, n, i);
	if (e - i < 2)
		return i;
	for (size_t k = i + 1; k < e; k++) /* "NASA" or "OK" is no name */
		if (is_lower((unsigned char)s[k]) || (unsigned char)s[k] >= 0x80)
			return e;
	return i;
}

/* ---- street address: number, 1-4 words, a street word ---- */

static const char *const street_words[] = { "street", "st",        "road",    "rd",    "avenue",
					    "ave",    "lane",      "ln",      "drive", "dr",
					    "way",    "boulevard", "blvd",    "court", "ct",
					    "place",  "pl",        "terrace", "close", "crescent",
					    "square", "sq",        "highway", "hwy",   "parkway",
					    "pkwy",   "circle",    "row",     "mews",  NULL };

static size_t match_address(const char *s, size_t n, size_t i)
{
	size_t j = i, digits = 0;
	bool capital = false;

	while (j < n && is_digit((unsigned char)s[j]) && digits < 6) {
		j++;
		digits++;
	}
	if (!digits || digits > 5)
		return 0;
	if (j < n && is_alpha((unsigned char)s[j]) &&
	    !(j + 1 < n && is_alpha((unsigned char)s[j + 1])))
		j++; /* 7b */
	for (int words = 0; words < 5; words++) {
		size_t w, e;

		if (j >= n || s[j] != ' ')
			return 0;
		w = j + 1;
		e = word_end(s, n, w);
		if (e == w)
			return 0;
		if (!words)
			capital = is_upper((unsigned char)s[w]);
		/* street names are written with capitals: "3 on the way" is none */
		if (words > 0 && word_in(s + w, e - w, street_words) &&
		    (capital || is_upper((unsigned char)s[w])))
			return e - i;
		j = e;
	}
	return 0;
}

/* ---- identifiers: letters and digits in one token ---- */

static size_t match_id_token(const char *s, size_t n, size_t i)
{
	size_t j = i, letters = 0, digits = 0;

	while (j < n) {
		unsigned char c = (unsigned char)s[j];

		if (is_digit(c))
			digits++;
		else if (is_alpha(c))
			letters++;
		else if ((c == '-' || c == '_') && j > i && j + 1 < n &&
			 is_alnum((unsigned char)s[j + 1]))
			;
		else
			break;
		j++;
	}
	/* mostly digits with some letters (PH-8842, clm_7f3a21), not iPhone15 or 10am */
	if (letters && digits >= 2 && j - i >= 6 && digits * 3 >= letters + digits)
		return j - i;
	return 0;
}

/* ---- digit groups: cards, phones, SSN-like ids, long numbers ---- */

enum { FOUND_NONE = 0, FOUND_CARD, FOUND_PHONE, FOUND_ID };

struct digits {
	size_t len;       /* bytes matched */
	size_t ndigits;   /* digits in them */
	size_t groups[8]; /* digits per group (separated by anything) */
	size_t ngroups;
	bool plus, paren, dash_only;
};

static bool digit_sep(int c)
{
	return c == ' ' || c == '-' || c == '.' || c == '/';
}

static void scan_digits(const char *s, size_t n, size_t i, struct digits *d)
{
	size_t j = i, last = i;
	bool in_group = false;

	memset(d, 0, sizeof(*d));
	d->dash_only = true;
	if (j < n && s[j] == '+') {
		d->plus = true;
		j++;
	}
	while (j < n) {
		unsigned char c = (unsigned char)s[j];

		if (is_digit(c)) {
			if (!in_group && d->ngroups < 8)
				d->ngroups++;
			in_group = true;
			if (d->ngroups)
				d->groups[d->ngroups - 1]++;
			d->ndigits++;
			j++;
			last = j;
			continue;
		}
		in_group = false;
		if (c == '(' || c == ')') {
			d->paren = true;
			j++;
			/* "(555) 123": a space may follow the closing parenthesis */
			if (c == ')' && j < n && s[j] == ' ')
				j++;
			continue;
		}
		if (digit_sep(c) && j + 1 < n &&
		    (is_digit((unsigned char)s[j + 1]) || s[j + 1] == '(') && d->ndigits) {
			if (c != '-')
				d->dash_only = false;
			j++;
			continue;
		}
		break;
	}
	/* digits glued to letters (4G, 10am) are no number */
	if (last < n && is_alpha((unsigned char)s[last]))
		d->ndigits = 0;
	d->len = last - i;
}

static int classify_digits(const struct digits *d)
{
	size_t nd = d->ndigits;

	if (d->ngroups == 3 && d->dash_only && !d->plus && !d->paren) {
		if (d->groups[0] == 4 && d->groups[1] == 2 && d->groups[2] == 2)
			return FOUND_NONE; /* an ISO date */
		if (d->groups[0] == 3 && d->groups[1] == 2 && d->groups[2] == 4)
			return FOUND_ID; /* SSN-like */
	}
	if (d->ngroups == 2 && d->dash_only && d->groups[0] == 4 && d->groups[1] == 4 && !d->plus)
		return FOUND_NONE; /* a range of years: 2019-2024 */
	if (nd >= 13 && nd <= 19 && !d->plus && !d->paren)
		return FOUND_CARD;
	if (nd >= 7 && nd <= 15)
		return FOUND_PHONE;
	if (nd >= 20)
		return FOUND_ID;
	return FOUND_NONE;
}

/* 4+ digits right after "claim", "policy", "#", "no." ...: an identifier */
static const char *const id_words[] = { "id",      "number",   "no",      "claim",    "policy",
					"account", "acct",     "order",   "ref",      "reference",
					"ticket",  "case",     "member",  "customer", "invoice",
					"booking", "passport", "licence", "license",  "ssn",
					"iban",    NULL };

static bool after_id_word(const char *s, size_t i)
{
	size_t j = i, e;

	while (j > 0 &&
	       (s[j - 1] == ' ' || s[j - 1] == ':' || s[j - 1] == '#' || s[j - 1] == '.')) {
		if (s[j - 1] == '#')
			return true;
		j--;
	}
	e = j;
	while (j > 0 && is_alpha((unsigned char)s[j - 1]))
		j--;
	if (e - j == 2 && word_is(s + j, 2, "is")) { /* "policy number is 4411" */
		while (j > 0 && s[j - 1] == ' ')
			j--;
		e = j;
		while (j > 0 && is_alpha((unsigned char)s[j - 1]))
			j--;
	}
	return e > j && word_in(s + j, e - j, id_words);
}

/* ---- names: capitalised words after a title or an introduction ---- */

static const char *const titles[] = { "mr",   "mrs", "ms",    "miss", "mx", "dr",
				      "prof", "sir", "madam", "dear", NULL };

/* the words before i (up to 3, lowercased, joined by one space) */
static size_t words_before(const char *s, size_t i, char *buf, size_t cap)
{
	size_t j = i, len = 0, starts[3], ends[3], nw = 0;

	while (nw < 3) {
		while (j > 0 &&
		       (s[j - 1] == ' ' || s[j - 1] == ',' || s[j - 1] == ':' || s[j - 1] == '.'))
			j--;
		ends[nw] = j;
		while (j > 0 && (is_alpha((unsigned char)s[j - 1]) || s[j - 1] == '\''))
			j--;
		if (ends[nw] == j)
			break;
		starts[nw++] = j;
	}
	for (size_t w = nw; w-- > 0;) {
		for (size_t k = starts[w]; k < ends[w] && len + 2 < cap; k++)
			buf[len++] = (char)lower((unsigned char)s[k]);
		if (w && len + 2 < cap)
			buf[len++] = ' ';
	}
	buf[len] = '\0';
	return nw;
}

static bool ends_with_phrase(const char *words, const char *phrase)
{
	size_t a = strlen(words), b = strlen(phrase);

	return a >= b && !strcmp(words + a - b, phrase) && (a == b || words[a - b - 1] == ' ');
}

static const char *const intros[] = { "my name is", "name is", "name",    "i am",      "i'm",
				      "call me",    "this is", "regards", "sincerely", "signed",
				      "speak to",   "ask for", NULL };

static size_t match_name(const char *s, size_t n, size_t i)
{
	char before[64];
	size_t j = i, e, words = 0;
	bool ok = false;

	if (cap_word(s, n, i) == i)
		return 0;
	if (words_before(s, i, before, sizeof(before))) {
		const char *last = strrchr(before, ' ');

		last = last ? last + 1 : before;
		for (size_t k = 0; titles[k] && !ok; k++)
			ok = !strcmp(last, titles[k]);
		for (size_t k = 0; intros[k] && !ok; k++)
			ok = ends_with_phrase(before, intros[k]);
	}
	if (!ok)
		return 0;
	while (words < 3 && (e = cap_word(s, n, j)) > j) {
		j = e;
		words++;
		if (!(j + 1 < n && s[j] == ' ' && cap_word(s, n, j + 1) > j + 1))
			break;
		j++;
	}
	return j - i;
}

/* ---- the scan ---- */

static int put(struct strbuf *out, const char *placeholder)
{
	return strbuf_addstr(out, placeholder);
}

/* dddd-dd-dd at i, not glued to more digits */
static bool iso_date(const char *s, size_t n, size_t i)
{
	static const char shape[] = "dddd-dd-dd";

	if (n - i < 10 || (n - i > 10 && is_alnum((unsigned char)s[i + 10])))
		return false;
	for (size_t k = 0; k < 10; k++)
		if (shape[k] == 'd' ? !is_digit((unsigned char)s[i + k]) : s[i + k] != '-')
			return false;
	return true;
}

/*
 * One token at i: a placeholder and its length, or 0 (nothing found) with
 * *skip the bytes to keep as they are (a date, a digit group that is no
 * finding: nothing may start inside them).
 */
static size_t match_at(const char *s, size_t n, size_t i, int level, const char **ph, size_t *skip)
{
	size_t len;
	struct digits d;

	*skip = 0;
	if (iso_date(s, n, i)) {
		*skip = 10;
		return 0;
	}

	if ((len = match_email(s, n, i))) {
		*ph = "[EMAIL]";
		return len;
	}
	if (level >= REDACT_STRICT && is_digit((unsigned char)s[i]) &&
	    (len = match_address(s, n, i))) {
		*ph = "[ADDRESS]";
		return len;
	}
	if (is_alnum((unsigned char)s[i]) && (len = match_id_token(s, n, i))) {
		*ph = "[ID]";
		return len;
	}
	if (is_digit((unsigned char)s[i]) || s[i] == '+' || s[i] == '(') {
		int kind;

		scan_digits(s, n, i, &d);
		kind = classify_digits(&d);
		if (kind == FOUND_NONE && d.ndigits >= 4 && d.ngroups == 1 &&
		    is_digit((unsigned char)s[i]) && after_id_word(s, i))
			kind = FOUND_ID;
		if (kind != FOUND_NONE) {
			*ph = kind == FOUND_CARD    ? "[CARD]"
			      : kind == FOUND_PHONE ? "[PHONE]"
						    : "[ID]";
			return d.len;
		}
	}
	if (level >= REDACT_STRICT && (len = match_name(s, n, i))) {
		*ph = "[NAME]";
		return len;
	}
	return 0;
}

int redact_text(const char *s, size_t n, int level, struct strbuf *out)
{
	size_t i = 0;

	if (level <= REDACT_NONE)
		return strbuf_add(out, s, n);
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		bool start = i == 0 || !is_alnum((unsigned char)s[i - 1]);
		const char *ph = NULL;
		size_t len = 0, skip = 0, j;

		if (start && (is_alnum(c) || c == '+' || c == '('))
			len = match_at(s, n, i, level, &ph, &skip);
		if (len) {
			if (put(out, ph))
				return -1;
			i += len;
			continue;
		}
		/* nothing starts here: copy the whole token (and what was skipped) */
		j = i + 1;
		if (is_alnum(c))
			while (j < n && is_alnum((unsigned char)s[j]))
				j++;
		if (i + skip > j)
			j = i + skip;
		if (strbuf_add(out, s + i, j - i))
			return -1;
		i = j;
	}
	return 0;
}
