/* Prelude of every ganhpo OpenCL program: shared types and helpers. The #define prelude a
 * program is specialised with comes before this file. */
#ifndef GANHPO_CL_COMMON_H
#define GANHPO_CL_COMMON_H

/* Number of work-groups needed to cover n items with groups of size g. */
#define GH_DIV_UP(n, g) (((n) + (g)-1) / (g))

#endif
