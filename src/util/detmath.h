/*
 * util/detmath.h - math that gives the same bits on every machine.
 *
 * glibc chooses FMA or non-FMA variants of exp/log/cos at run time by CPU,
 * so their last bits differ between machines. Everything that feeds output
 * bytes uses these instead: plain IEEE-754 double arithmetic (+ - * / and
 * sqrt, which are correctly rounded everywhere), fdlibm's algorithms, and the
 * build's -ffp-contract=off so no a*b+c is fused.
 *
 * Accuracy, as tests/unit/test_util.c checks it: det_log and det_exp are
 * within 1 ulp of glibc's log and exp (not of the true value: glibc's own
 * error is below 1 ulp), sampled over every binade of log's positive
 * arguments, subnormal ones included, and over exp's arguments from -745
 * to 709.78, its subnormal and near-overflow results included.
 * det_round_to rounds the double it is given, scaled: 2.345 (stored as
 * 2.34499999999999997) gives 2.35 because 2.345 * 100 rounds up to
 * 234.50000000000003; 1.005 gives 1.
 */
#ifndef UTIL_DETMATH_H
#define UTIL_DETMATH_H

double det_log(double x);           /* natural log; -inf at 0, NaN below 0 */
double det_exp(double x);           /* e^x; 0 / +inf outside the double range */
double det_sqrt(double x);          /* IEEE sqrt (correctly rounded) */
double det_pow(double x, double y); /* exp(y*log(x)) for x > 0 */
double det_round(double x);         /* half away from zero */
/* Round to `decimals` places (0..9), half away from zero. */
double det_round_to(double x, int decimals);

#endif
