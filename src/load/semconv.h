/*
 * load/semconv.h - loading the semantic-conventions registry (the registry
 * itself, and the questions it answers, are model/semconv.h).
 *
 * Reads the OpenTelemetry registry format, both v1 (`groups:`) and
 * `file_format: definition/2`, from one file or every .yaml below a folder
 * (manifest.yaml included), the way the upstream registry is published:
 * refs, extends, templates, deprecated entries and annotations. Keys the
 * upstream schema knows are accepted; a key it does not know is a warning
 * (collected, not printed: the library never prints).
 *
 * Upstream enums are open (any value allowed, members are suggestions);
 * enums of groups we own (ids starting with the vendor prefix, or marked
 * `annotations: {otelsim: {closed: true}}`) are closed: a value outside
 * them is an error in a scenario. When the same attribute id is defined
 * twice (core's deprecated stub and the GenAI registry's definition) the
 * non-deprecated definition wins.
 */
#ifndef LOAD_SEMCONV_H
#define LOAD_SEMCONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/semconv.h"
#include "otelsim/error.h"

/*
 * Load `path` (a file or folder). `vendor` is the prefix our vendor group is
 * written with ("vendor"); attribute ids "vendor.x" are stored as
 * "<vendor_out>.x". Errors are file:line:col, code OTELSIM_EINPUT (a
 * vendor prefix load_check_vendor refuses: its OTELSIM_EUSAGE).
 */
int semconv_load(const char *path, const char *vendor_out, struct semconv **out,
		 struct otelsim_error *err);
/*
 * Several paths merged into one registry (later ones win on conflicts; the
 * schema URL is the first manifest's).
 */
int semconv_load_many(const char *const *paths, size_t n, const char *vendor_out,
		      struct semconv **out, struct otelsim_error *err);

#endif
