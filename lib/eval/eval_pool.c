/*
 * eval_pool.c - scoring recorded outputs on worker threads.  A run that
 * replays recorded outputs is bound by the CPU: while the main thread
 * reads cases, makes jobs and writes the ledger, workers tokenize and
 * score.  Jobs go to a worker and come back scored; the main thread alone
 * touches the ledger, the totals and the cases.  At most POOL_DEPTH jobs
 * are out at once, so memory stays bounded.
 */
#include "eval.h"

#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define POOL_DEPTH   512  /* jobs out at once */
#define POOL_MIN     2000 /* a run of fewer jobs is scored on the main thread */
#define POOL_WORKERS 3

struct llmops_eval_pool {
	const struct llmops_eval *ev;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct llmops_eval_job *todo, *todo_tail, *ready, *ready_tail;
	size_t out; /* pushed, not yet taken back */
	int quit;
	int waiting; /* the main thread waits for a scored job */
	int idle;    /* workers waiting for work */
	size_t nthreads;
	pthread_t th[POOL_WORKERS];
	struct llmops_tokenizer *tok[POOL_WORKERS];
};

struct worker {
	struct llmops_eval_pool *p;
	size_t i;
};

static void append(struct llmops_eval_job **head, struct llmops_eval_job **tail,
		   struct llmops_eval_job *j)
{
	j->qnext = NULL;
	if (*tail)
		(*tail)->qnext = j;
	else
		*head = j;
	*tail = j;
}

static struct llmops_eval_job *pop(struct llmops_eval_job **head, struct llmops_eval_job **tail)
{
	struct llmops_eval_job *j = *head;
	if (j && !(*head = j->qnext))
		*tail = NULL;
	return j;
}

static void *work(void *arg)
{
	struct llmops_eval_pool *p = arg;
	size_t me = 0;
	pthread_mutex_lock(&p->mu);
	while (me < p->nthreads && !pthread_equal(p->th[me], pthread_self()))
		me++;
	for (;;) {
		while (!p->todo && !p->quit) {
			p->idle++;
			pthread_cond_wait(&p->work, &p->mu);
			p->idle--;
		}
		if (!p->todo)
			break;
		struct llmops_eval_job *j = pop(&p->todo, &p->todo_tail);
		pthread_mutex_unlock(&p->mu);
		llmops_eval_score(p->ev, j, me < p->nthreads ? p->tok[me] : NULL);
		pthread_mutex_lock(&p->mu);
		append(&p->ready, &p->ready_tail, j);
		if (p->waiting) /* wake the main thread only when it sleeps */
			pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int llmops_eval_pool_start(struct llmops_eval *ev)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (ev->pool || ev->njobs < POOL_MIN || cpus < 2 || ev->nrecorded == 0)
		return 0;
	struct llmops_eval_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return 0; /* scored on the main thread */
	p->ev = ev;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	size_t want = (size_t)(cpus - 1 < POOL_WORKERS ? cpus - 1 : POOL_WORKERS);
	pthread_mutex_lock(&p->mu); /* workers find their index once all are started */
	for (size_t i = 0; i < want; i++) {
		struct llmops_err err = {0};
		if (llmops_tokenizer_open(&p->tok[i], "o200k_base", &err))
			break;
		if (pthread_create(&p->th[i], NULL, work, p)) {
			llmops_tokenizer_close(p->tok[i]);
			p->tok[i] = NULL;
			break;
		}
		p->nthreads++;
	}
	pthread_mutex_unlock(&p->mu);
	if (!p->nthreads) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->work);
		pthread_cond_destroy(&p->done);
		free(p);
		return 0;
	}
	ev->pool = p;
	return 0;
}

int llmops_eval_pool_push(struct llmops_eval *ev, struct llmops_eval_job *j)
{
	struct llmops_eval_pool *p = ev->pool;
	if (!p)
		return 0;
	pthread_mutex_lock(&p->mu);
	append(&p->todo, &p->todo_tail, j);
	p->out++;
	if (p->idle) /* a busy worker finds it without a wake-up */
		pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	return 1;
}

size_t llmops_eval_pool_out(const struct llmops_eval *ev)
{
	return ev->pool ? ev->pool->out : 0;
}

int llmops_eval_pool_full(const struct llmops_eval *ev)
{
	return ev->pool && ev->pool->out >= POOL_DEPTH;
}

struct llmops_eval_job *llmops_eval_pool_take(struct llmops_eval *ev, int wait)
{
	struct llmops_eval_pool *p = ev->pool;
	struct llmops_eval_job *j = NULL;
	if (!p)
		return NULL;
	pthread_mutex_lock(&p->mu);
	p->waiting = 1;
	while (wait && !p->ready && p->out)
		pthread_cond_wait(&p->done, &p->mu);
	p->waiting = 0;
	if ((j = pop(&p->ready, &p->ready_tail)))
		p->out--;
	pthread_mutex_unlock(&p->mu);
	return j;
}

void llmops_eval_pool_stop(struct llmops_eval *ev)
{
	struct llmops_eval_pool *p = ev->pool;
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (size_t i = 0; i < p->nthreads; i++) {
		pthread_join(p->th[i], NULL);
		llmops_tokenizer_close(p->tok[i]);
	}
	/* what was still out is in ready (workers finish the queue before they quit); the
	   jobs stay on the engine's live list, which frees them */
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	free(p);
	ev->pool = NULL;
}
