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

#endif
