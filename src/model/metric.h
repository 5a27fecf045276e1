/*
 * model/metric.h - what a metric is, as every stage after the loader sees it.
 *
 * A metric_desc names one OTLP Metric: its name, unit, description and data
 * kind, with the temporality, monotonicity and number type of its points
 * and, for explicit-bucket histograms, the bucket boundaries (ascending;
 * nbounds boundaries make nbounds + 1 buckets). Descriptors live as long as
 * the model (or, for the engine's synthetic test source, as the program);
 * metric items in a batch point at them and never copy them.
 */
#ifndef MODEL_METRIC_H
#define MODEL_METRIC_H

#include <stdbool.h>
#include <stdint.h>

#include "model/value.h"

/* The Metric.data oneof: the values are the OTLP field numbers. */
enum metric_kind {
	METRIC_GAUGE = 5,
	METRIC_SUM = 7,
	METRIC_HISTOGRAM = 9,
	METRIC_EXP_HISTOGRAM = 10
};

/* AggregationTemporality (not used by gauges). */
enum metric_temporality { METRIC_DELTA = 1, METRIC_CUMULATIVE = 2 };

struct metric_desc {
	const char *name, *description, *unit; /* NULL or "": not written */
	uint8_t kind;                          /* enum metric_kind */
	uint8_t temporality;                   /* enum metric_temporality */
	bool monotonic;                        /* sums */
	bool is_int;                           /* gauge/sum points: as_int, else as_double */
	const double *bounds;                  /* METRIC_HISTOGRAM: explicit bounds */
	uint32_t nbounds;
};

/* ---- metrics derived from the spans (a scenario's `metrics:`) ---- */

/* What a rule's metric is, as scenario files name it. */
enum metric_instrument {
	MI_COUNTER = 0,   /* monotonic sum */
	MI_UPDOWN,        /* non-monotonic sum */
	MI_GAUGE,         /* the last measurement of each interval */
	MI_HISTOGRAM,     /* explicit bucket boundaries */
	MI_EXP_HISTOGRAM, /* base-2 exponential buckets */
	MI_COUNT
};

/* What one span measures. */
enum metric_value { MV_DURATION = 0, MV_ONE, MV_ATTR };

/*
 * One rule: the spans it counts and what each measures. A span feeds the
 * rule when every filter given matches (span name, service name, kind, the
 * `where` attribute equal to its value). The measurement is the span's
 * duration (ns divided by duration_div: the unit), 1, or the numeric
 * attribute value_key (a span without it measures nothing; a counter
 * ignores negative ones). The metric's attributes are the span's values of
 * attr_keys (absent ones left out), then the fixed ones. A measurement
 * falls in the metric interval holding the span's end.
 */
struct metric_rule {
	const char *name, *unit, *description;
	uint8_t instrument; /* enum metric_instrument */
	uint8_t value;      /* enum metric_value */
	bool is_int;        /* sums and gauges: integer points */
	const char *value_key;
	uint32_t value_key_len;
	double duration_div;             /* MV_DURATION: ns per unit */
	const char *span_name, *service; /* NULL: any */
	uint8_t kind;                    /* 0: any, else OTLP SpanKind */
	const char *where_key;           /* NULL: no predicate */
	struct value where_value;
	const char **attr_keys;
	uint32_t nattr_keys;
	const struct keyval *fixed;
	uint32_t nfixed;
	const double *bounds; /* MI_HISTOGRAM, ascending */
	uint32_t nbounds;
	int32_t max_scale; /* MI_EXP_HISTOGRAM: -10..20 (default 20) */
	uint32_t max_size; /* MI_EXP_HISTOGRAM: buckets per sign (default 160) */
	const char *file;  /* where the rule was written (NULL: a default) */
	int line, col;
};

/*
 * A time series not tied to spans: per service an Ornstein-Uhlenbeck
 * process x' = level + (x - level) e^(-theta dt) + sigma
 * sqrt((1 - e^(-2 theta dt)) / (2 theta)) N(0, 1), sampled at the end of
 * every metric interval, kept within [min, max] (clamped), written as a
 * gauge (double) on the service's resource. It starts at its level.
 */
struct series_spec {
	const char *name, *unit, *description;
	uint32_t *services; /* indices into model->services */
	const char **names; /* their service names (the series' random streams) */
	double *levels;     /* per service */
	uint32_t nservices;
	double theta, sigma; /* per second */
	bool has_min, has_max;
	double min, max;
	const char *file;
	int line, col;
};

#endif
