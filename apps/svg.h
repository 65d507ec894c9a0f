/* svg.h: small SVG plots written by the CLI (no plotting dependency): line charts of
   per-epoch figures and labelled 2-D scatter plots. The values are also stored in data-*
   attributes so that tests and scripts can read them back. Files are written atomically. */
#ifndef LK_APPS_SVG_H
#define LK_APPS_SVG_H

#include <stddef.h>
#include <stdio.h>

#include "text/error.h"

typedef struct {
    const char *name;    /* legend, e.g. "train loss" */
    const double *y;     /* n values (NaN = missing) */
    int right_axis;      /* 0: left axis, 1: right axis */
} lk_svg_series;

/* A line chart over x = 1..n (epochs): each series a polyline with its points. */
typedef struct {
    const char *title, *x_label;
    const lk_svg_series *series;
    size_t n_series, n;
} lk_svg_lines_plot;

/* Writes the chart `plot` (an lk_svg_lines_plot) to fp: an lk_write_fn, for a command that
   commits a plot together with its other outputs (lk_write_atomic_all). */
lk_status lk_svg_write_lines(FILE *fp, void *plot, lk_error *err);

/* The chart written atomically to path. */
lk_status lk_svg_lines(const char *path, const char *title, const char *x_label,
                       const lk_svg_series *series, size_t n_series, size_t n, lk_error *err);

/* A scatter plot of labelled points (x[i], y[i]); point 0 is highlighted. Both axes use
   one scale, so distances on the page are proportional to distances in the data. */
lk_status lk_svg_scatter(const char *path, const char *title, const char *const *labels,
                         const double *x, const double *y, size_t n, lk_error *err);

#endif
