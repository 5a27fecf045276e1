#include "model/model.h"

#include <string.h>

#include "load/semconv.h"

const char *value_type_name(int type)
{
	switch (type) {
	case VAL_STRING: return "string";
	case VAL_BOOL: return "boolean";
	case VAL_INT: return "int";
	case VAL_DOUBLE: return "double";
	case VAL_BYTES: return "bytes";
	case VAL_ARRAY: return "array";
	case VAL_KVLIST: return "kvlist";
	default: return "none";
	}
}

const struct scenario *model_find_scenario(const struct model *m, const char *name)
{
	for (uint32_t i = 0; i < m->nscenarios; i++)
		if (!strcmp(m->scenarios[i]->name, name))
			return m->scenarios[i];
	return NULL;
}

void model_release(struct model *m)
{
	if (m->semconv)
		semconv_free(m->semconv);
	m->semconv = NULL;
	arena_release(&m->arena);
	m->scenarios = NULL;
	m->nscenarios = 0;
	m->services = NULL;
	m->nservices = 0;
}
