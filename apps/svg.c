/* svg.c: SVG line charts and scatter plots for the CLI (see svg.h). */
#include "apps/svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "text/fileio.h"

#define W 640.0
#define H 420.0
#define MARGIN 60.0
#define POINT_R 3.5

static const char *const COLORS[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
#define N_COLORS (sizeof COLORS / sizeof *COLORS)

static void put_escaped(FILE *fp, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '&': fputs("&amp;", fp); break;
        case '"': fputs("&quot;", fp); break;
        default: fputc(*s, fp);
        }
    }
}

static void header(FILE *fp, const char *title)
{
    fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
                "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<title>",
            W, H, W, H);
    put_escaped(fp, title);
    fprintf(fp, "</title>\n<text x=\"%.0f\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">", W / 2);
    put_escaped(fp, title);
    fprintf(fp, "</text>\n");
}

typedef lk_svg_lines_plot lines_ctx;

/* min/max over the series on one axis; false when there is no finite value. */
static int axis_range(const lines_ctx *c, int right, double *lo, double *hi)
{
    int any = 0;
    for (size_t s = 0; s < c->n_series; s++) {
        if (c->series[s].right_axis != right) continue;
        for (size_t i = 0; i < c->n; i++) {
            double v = c->series[s].y[i];
            if (!isfinite(v)) continue;
            if (!any || v < *lo) *lo = v;
            if (!any || v > *hi) *hi = v;
            any = 1;
        }
    }
    if (any && *hi - *lo < 1e-12) *hi = *lo + 1;
    return any;
}

lk_status lk_svg_write_lines(FILE *fp, void *p, lk_error *err)
{
    const lines_ctx *c = p;
    double lo[2] = {0, 0}, hi[2] = {1, 1};
    int has[2] = {axis_range(c, 0, &lo[0], &hi[0]), axis_range(c, 1, &lo[1], &hi[1])};
    header(fp, c->title);
    double x0 = MARGIN, x1 = W - MARGIN, y0 = H - MARGIN, y1 = MARGIN;
    fprintf(fp, "<path d=\"M%.1f %.1fV%.1fH%.1f\" stroke=\"black\" fill=\"none\"/>\n", x0, y1, y0, x1);
    if (has[1]) fprintf(fp, "<path d=\"M%.1f %.1fV%.1f\" stroke=\"black\" fill=\"none\"/>\n", x1, y0, y1);
    fprintf(fp, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">", (x0 + x1) / 2, H - 20);
    put_escaped(fp, c->x_label);
    fprintf(fp, "</text>\n");
    for (int a = 0; a < 2; a++) {
        if (!has[a]) continue;
        double ax = a ? x1 + 6 : x0 - 6;
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%.4g</text>\n", ax, y0,
                a ? "start" : "end", lo[a]);
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%.4g</text>\n", ax, y1 + 4,
                a ? "start" : "end", hi[a]);
    }
    for (size_t i = 0; i < c->n; i++) {
        double x = c->n > 1 ? x0 + (x1 - x0) * (double)i / (double)(c->n - 1) : (x0 + x1) / 2;
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%zu</text>\n", x, y0 + 16, i + 1);
    }
    for (size_t s = 0; s < c->n_series; s++) {
        const lk_svg_series *se = &c->series[s];
        int a = se->right_axis;
        const char *color = COLORS[s % N_COLORS];
        fprintf(fp, "<g class=\"series\" data-name=\"");
        put_escaped(fp, se->name);
        fprintf(fp, "\" data-axis=\"%s\" data-values=\"", a ? "right" : "left");
        for (size_t i = 0; i < c->n; i++) fprintf(fp, "%s%.9g", i ? " " : "", se->y[i]);
        fprintf(fp, "\" stroke=\"%s\" fill=\"%s\">\n<polyline fill=\"none\" points=\"", color, color);
        for (size_t i = 0; i < c->n; i++) {
            if (!isfinite(se->y[i])) continue;
            double x = c->n > 1 ? x0 + (x1 - x0) * (double)i / (double)(c->n - 1) : (x0 + x1) / 2;
            double y = y0 + (y1 - y0) * (se->y[i] - lo[a]) / (hi[a] - lo[a]);
            fprintf(fp, "%.2f,%.2f ", x, y);
        }
        fprintf(fp, "\"/>\n");
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" stroke=\"none\">", x0 + 10, y1 + 16.0 * (double)(s + 1));
        put_escaped(fp, se->name);
        fprintf(fp, "</text>\n</g>\n");
    }
    fprintf(fp, "</svg>\n");
    return ferror(fp) ? lk_error_set(err, LK_ERR_IO, "plot: write error") : LK_OK;
}

lk_status lk_svg_lines(const char *path, const char *title, const char *x_label,
                       const lk_svg_series *series, size_t n_series, size_t n, lk_error *err)
{
    lines_ctx c = {title, x_label, series, n_series, n};
    return lk_write_atomic(path, lk_svg_write_lines, &c, err);
}

typedef struct {
    const char *title;
    const char *const *labels;
    const double *x, *y;
    size_t n;
} scatter_ctx;

static lk_status write_scatter(FILE *fp, void *p, lk_error *err)
{
    const scatter_ctx *c = p;
    double xl = 0, xh = 0, yl = 0, yh = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (i == 0 || c->x[i] < xl) xl = c->x[i];
        if (i == 0 || c->x[i] > xh) xh = c->x[i];
        if (i == 0 || c->y[i] < yl) yl = c->y[i];
        if (i == 0 || c->y[i] > yh) yh = c->y[i];
    }
    double span = fmax(xh - xl, yh - yl);
    double scale = span > 0 ? fmin(W - 2 * MARGIN, H - 2 * MARGIN) / span : 1;
    double cx = (xl + xh) / 2, cy = (yl + yh) / 2;
    header(fp, c->title);
    fprintf(fp, "<g class=\"points\" data-scale=\"%.9g\">\n", scale);
    for (size_t i = 0; i < c->n; i++) {
        double px = W / 2 + (c->x[i] - cx) * scale, py = H / 2 - (c->y[i] - cy) * scale;
        fprintf(fp, "<g class=\"point\" data-x=\"%.9g\" data-y=\"%.9g\">"
                    "<circle cx=\"%.3f\" cy=\"%.3f\" r=\"%.1f\" fill=\"%s\"/>"
                    "<text x=\"%.3f\" y=\"%.3f\"%s>",
                c->x[i], c->y[i], px, py, i ? POINT_R : POINT_R * 1.6, i ? COLORS[0] : COLORS[1],
                px + 6, py - 6, i ? "" : " font-weight=\"bold\"");
        put_escaped(fp, c->labels[i]);
        fprintf(fp, "</text></g>\n");
    }
    fprintf(fp, "</g>\n</svg>\n");
    return ferror(fp) ? lk_error_set(err, LK_ERR_IO, "plot: write error") : LK_OK;
}

lk_status lk_svg_scatter(const char *path, const char *title, const char *const *labels,
                         const double *x, const double *y, size_t n, lk_error *err)
{
    scatter_ctx c = {title, labels, x, y, n};
    return lk_write_atomic(path, write_scatter, &c, err);
}
