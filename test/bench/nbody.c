/* nbody: gravitational N-body simulation (48 softened bodies from a fixed seed, symplectic
 * Euler) reporting energy drift; measures scalar double arithmetic, sqrt and division. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>

#define NBODIES 48
#define SOFTENING2 0.01

typedef struct {
  double x, y, z, vx, vy, vz, mass;
} Body;

static uint64_t rng = 0x853C49E6748FEA9Bull;
static double uniform(void) { /* [0, 1) with 53 random bits */
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (double)(rng >> 11) * (1.0 / 9007199254740992.0);
}

static void init(Body *b) {
  b[0] = (Body){0, 0, 0, 0, 0, 0, 1000.0}; /* a heavy "sun" in the middle */
  for (int i = 1; i < NBODIES; i++) {
    b[i].x = uniform() * 20.0 - 10.0;
    b[i].y = uniform() * 20.0 - 10.0;
    b[i].z = uniform() * 2.0 - 1.0;
    /* roughly tangential velocity around the z axis */
    double r2 = b[i].x * b[i].x + b[i].y * b[i].y + 1.0;
    double v = sqrt(1000.0 / sqrt(r2)) / sqrt(r2);
    b[i].vx = -b[i].y * v + (uniform() - 0.5) * 0.1;
    b[i].vy = b[i].x * v + (uniform() - 0.5) * 0.1;
    b[i].vz = (uniform() - 0.5) * 0.1;
    b[i].mass = 0.01 + uniform();
  }
  /* zero total momentum by adjusting the sun */
  double px = 0, py = 0, pz = 0;
  for (int i = 1; i < NBODIES; i++) {
    px += b[i].vx * b[i].mass;
    py += b[i].vy * b[i].mass;
    pz += b[i].vz * b[i].mass;
  }
  b[0].vx = -px / b[0].mass;
  b[0].vy = -py / b[0].mass;
  b[0].vz = -pz / b[0].mass;
}

static void advance(Body *b, double dt) {
  for (int i = 0; i < NBODIES; i++) {
    Body *bi = &b[i];
    for (int j = i + 1; j < NBODIES; j++) {
      Body *bj = &b[j];
      double dx = bi->x - bj->x, dy = bi->y - bj->y, dz = bi->z - bj->z;
      double d2 = dx * dx + dy * dy + dz * dz + SOFTENING2;
      double mag = dt / (d2 * sqrt(d2));
      double mi = bi->mass * mag, mj = bj->mass * mag;
      bi->vx -= dx * mj;
      bi->vy -= dy * mj;
      bi->vz -= dz * mj;
      bj->vx += dx * mi;
      bj->vy += dy * mi;
      bj->vz += dz * mi;
    }
  }
  for (int i = 0; i < NBODIES; i++) {
    b[i].x += dt * b[i].vx;
    b[i].y += dt * b[i].vy;
    b[i].z += dt * b[i].vz;
  }
}

static double energy(const Body *b) {
  double e = 0.0;
  for (int i = 0; i < NBODIES; i++) {
    e += 0.5 * b[i].mass * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
    for (int j = i + 1; j < NBODIES; j++) {
      double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
      e -= b[i].mass * b[j].mass / sqrt(dx * dx + dy * dy + dz * dz + SOFTENING2);
    }
  }
  return e;
}

int main(int argc, char **argv) {
  int steps = 300000 * (argc > 1 ? atoi(argv[1]) : 1);
  static Body bodies[NBODIES];
  init(bodies);
  printf("nbody bodies=%d steps=%d\n", NBODIES, steps);
  printf("energy before: %.9f\n", energy(bodies));
  for (int s = 0; s < steps; s++)
    advance(bodies, 0.0001);
  printf("energy after:  %.9f\n", energy(bodies));
  double cx = 0, cy = 0, cz = 0;
  for (int i = 0; i < NBODIES; i++) {
    cx += bodies[i].x;
    cy += bodies[i].y;
    cz += bodies[i].z;
  }
  printf("position sum: %.6f %.6f %.6f\n", cx, cy, cz);
  return 0;
}
