/* The job list: byte-order sorting, repeated entries taken once, output names, and inputs
 * whose outputs would clash refused (all of them, naming each other). */
#include <string.h>

#include "batch/joblist.h"
#include "check.h"

static bt_job *find(bt_joblist *l, const char *rel) {
  for (size_t i = 0; i < l->n; i++)
    if (!strcmp(l->jobs[i].rel, rel)) return &l->jobs[i];
  return NULL;
}

static void test_sort(void) {
  bt_joblist l = {0};
  const char *in[] = {"b/x.jpg", "a.jpg", "B.jpg", "a/b.jpg", "a.jpg", "a-b.jpg"};
  for (size_t i = 0; i < sizeof in / sizeof *in; i++) CHECK(bt_joblist_add(&l, in[i], in[i]));
  CHECK(bt_joblist_add_failed(&l, "a.jpg", "failed copy") != NULL);
  CHECK(bt_joblist_sort(&l) == 2); /* "a.jpg" three times: kept once */
  const char *want[] = {"B.jpg", "a-b.jpg", "a.jpg", "a/b.jpg", "b/x.jpg"};
  CHECK(l.n == 5);
  for (size_t i = 0; i < l.n && i < 5; i++) CHECK(!strcmp(l.jobs[i].rel, want[i]));
  bt_job *a = find(&l, "a.jpg");
  CHECK(a && a->state == BT_PENDING && a->in); /* the usable entry is the one kept */
  bt_joblist_free(&l);
  CHECK(l.n == 0 && l.jobs == NULL);
}

static void test_clashes(void) {
  bt_joblist l = {0};
  const char *in[] = {"s/a.jpg", "s/a.png", "s/a.webp", "t/a.jpg", "s/b.jpg", "s/b.jpg.x"};
  for (size_t i = 0; i < sizeof in / sizeof *in; i++) bt_joblist_add(&l, in[i], in[i]);
  bt_joblist_add_failed(&l, "../up.jpg", "refused");
  bt_joblist_sort(&l);
  CHECK(bt_joblist_map(&l, "png", 0) == 3);
  for (size_t i = 0; i < 3; i++) {
    bt_job *j = find(&l, in[i]);
    CHECK(j && j->state == BT_FAILED && j->reason);
    if (j && j->reason) {
      CHECK(strstr(j->reason, "'s/a.jpg'") && strstr(j->reason, "'s/a.png'") &&
            strstr(j->reason, "'s/a.webp'") && strstr(j->reason, "s/a.png"));
      CHECK(strstr(j->reason, "--keep-ext") != NULL);
    }
  }
  bt_job *t = find(&l, "t/a.jpg"), *b = find(&l, "s/b.jpg"), *bx = find(&l, "s/b.jpg.x");
  CHECK(t && t->state == BT_PENDING && !strcmp(t->out_rel, "t/a.png"));
  CHECK(b && b->state == BT_PENDING && !strcmp(b->out_rel, "s/b.png"));
  CHECK(bx && bx->state == BT_PENDING && !strcmp(bx->out_rel, "s/b.jpg.png"));
  bt_job *up = find(&l, "../up.jpg");
  CHECK(up && up->state == BT_FAILED && up->out_rel == NULL && !strcmp(up->reason, "refused"));
  bt_joblist_free(&l);

  /* --keep-ext: the same inputs, no clash */
  for (size_t i = 0; i < sizeof in / sizeof *in; i++) bt_joblist_add(&l, in[i], in[i]);
  bt_joblist_sort(&l);
  CHECK(bt_joblist_map(&l, "webp", 1) == 0);
  for (size_t i = 0; i < l.n; i++) {
    char want[64];
    snprintf(want, sizeof want, "%s.webp", l.jobs[i].rel);
    CHECK(l.jobs[i].state == BT_PENDING && !strcmp(l.jobs[i].out_rel, want));
  }
  bt_joblist_free(&l);
}

static void test_fail_keeps_first_reason(void) {
  bt_joblist l = {0};
  bt_job *j = bt_joblist_add(&l, "x.jpg", "x.jpg");
  bt_job_fail(j, "first %d", 1);
  bt_job_fail(j, "second");
  CHECK(j->state == BT_FAILED && !strcmp(j->reason, "first 1"));
  bt_joblist_free(&l);
}

int main(void) {
  test_sort();
  test_clashes();
  test_fail_keeps_first_reason();
  return CHECK_DONE();
}
