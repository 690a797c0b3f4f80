/* Game entities: same algorithm as bench/entities.dast. */
#include <stdio.h>
#include <stdint.h>

enum Kind { IDLE, WALK, RUN };
typedef struct { enum Kind kind; int64_t a, b; } Mode;
typedef struct { int64_t x, y, hp; Mode mode; } Entity;

static void step(Entity *e, int64_t t) {
    switch (e->mode.kind) {
    case IDLE:
        if (t % 7 == e->hp % 7) { e->mode.kind = WALK; e->mode.a = 1 + e->hp % 3; }
        break;
    case WALK:
        e->x += e->mode.a;
        if (e->x > 1000) { e->mode.kind = RUN; e->mode.a = -2; e->mode.b = 1; }
        break;
    case RUN:
        e->x += e->mode.a;
        e->y += e->mode.b;
        if (e->x < 0) { e->mode.kind = IDLE; if (e->hp > 0) e->hp -= 1; }
        break;
    }
}

static int64_t score(const Entity *e) { return e->x + 3 * e->y + e->hp; }

int main(void) {
    static Entity es[1000];
    for (int64_t i = 0; i < 1000; i++) {
        es[i].x = i % 100; es[i].y = 0; es[i].hp = 10 + i % 13; es[i].mode.kind = IDLE;
    }
    for (int64_t t = 0; t < 20000; t++)
        for (int i = 0; i < 1000; i++) step(&es[i], t);
    int64_t total = 0;
    for (int i = 0; i < 1000; i++) total += score(&es[i]);
    printf("%lld\n", (long long)total);
    return 0;
}
