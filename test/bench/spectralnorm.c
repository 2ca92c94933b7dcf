/* spectralnorm: largest singular value of A(i,j) = 1/((i+j)(i+j+1)/2+i+1), n x n, by power
 * iteration on A^T A. Measures double division and dot-product loops. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static double A(int i, int j) { return 1.0 / ((double)((i + j) * (i + j + 1) / 2 + i + 1)); }

static void mul_Av(int n, const double *v, double *out) {
  for (int i = 0; i < n; i++) {
    double s = 0.0;
    for (int j = 0; j < n; j++)
      s += A(i, j) * v[j];
    out[i] = s;
  }
}

static void mul_Atv(int n, const double *v, double *out) {
  for (int i = 0; i < n; i++) {
    double s = 0.0;
    for (int j = 0; j < n; j++)
      s += A(j, i) * v[j];
    out[i] = s;
  }
}

static void mul_AtAv(int n, const double *v, double *out, double *tmp) {
  mul_Av(n, v, tmp);
  mul_Atv(n, tmp, out);
}

int main(int argc, char **argv) {
  int n = 5000 * (argc > 1 ? atoi(argv[1]) : 1);
  double *u = malloc(sizeof(double) * (size_t)n);
  double *v = malloc(sizeof(double) * (size_t)n);
  double *tmp = malloc(sizeof(double) * (size_t)n);
  if (!u || !v || !tmp)
    return 1;
  for (int i = 0; i < n; i++)
    u[i] = 1.0;
  for (int it = 0; it < 10; it++) {
    mul_AtAv(n, u, v, tmp);
    mul_AtAv(n, v, u, tmp);
  }
  double vBv = 0.0, vv = 0.0;
  for (int i = 0; i < n; i++) {
    vBv += u[i] * v[i];
    vv += v[i] * v[i];
  }
  printf("spectralnorm n=%d: %.9f\n", n, sqrt(vBv / vv));
  free(u);
  free(v);
  free(tmp);
  return 0;
}
