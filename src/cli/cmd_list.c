#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/strbuf.h"
#include "util/strlist.h"

/* --tags: any of them (none given: every scenario) */
static bool tag_match(const struct cli *c, const struct otelsim_scenario_info *si)
{
	return !c->tags.n ||
	       strlist_intersects((const char *const *)c->tags.v, c->tags.n, si->tags, si->ntags);
}

int cmd_list(struct cli *c)
{
	struct otelsim *os;
	size_t n, wname = 4, wcat = 8, wtags = 4, shown = 0;
	int rc = cli_load(c, NULL, 0, &os);

	if (rc)
		return rc;
	n = otelsim_scenario_count(os);
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1 && !shown && (c->category || c->tags.n)) {
			/* as render and run say it: a filter that matches nothing is a mistake */
			otelsim_free(os);
			if (c->category)
				cli_usage_error(c, "no scenario in category '%s'%s", c->category,
						c->tags.n ? " with any of those tags" : "");
			else
				cli_usage_error(c, "no scenario has any of the tags given");
			return EXIT_USAGE;
		}
		if (pass == 1)
			printf("%-*s  %-*s  %6s  %-*s  %s\n", (int)wname, "NAME", (int)wcat,
			       "CATEGORY", "WEIGHT", (int)wtags, "TAGS", "DESCRIPTION");
		for (size_t i = 0; i < n; i++) {
			struct otelsim_scenario_info si;
			struct strbuf tags = STRBUF_INIT;

			otelsim_scenario_info(os, i, &si);
			if (si.reference || !tag_match(c, &si) ||
			    (c->category && strcmp(c->category, si.category)))
				continue;
			for (size_t k = 0; k < si.ntags; k++)
				strbuf_addf(&tags, "%s%s", k ? "," : "", si.tags[k]);
			if (pass == 0) {
				shown++;
				wname = strlen(si.name) > wname ? strlen(si.name) : wname;
				wcat = strlen(si.category) > wcat ? strlen(si.category) : wcat;
				wtags = tags.len > wtags ? tags.len : wtags;
			} else {
				/* a display name leads the description */
				printf("%-*s  %-*s  %6g  %-*s  %s%s%s\n", (int)wname, si.name,
				       (int)wcat, si.category[0] ? si.category : "-", si.weight,
				       (int)wtags, tags.len ? tags.buf : "-",
				       si.title ? si.title : "",
				       si.title && si.description[0] ? ": " : "", si.description);
			}
			strbuf_release(&tags);
		}
	}
	otelsim_free(os);
	return EXIT_OK;
}
