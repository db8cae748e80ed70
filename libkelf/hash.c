// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include "hash.h"

uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

uint32_t hash_u64(uint64_t v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return (uint32_t)v;
}

int htab_init(struct htab *h, size_t expected)
{
	size_t n = 64;

	while (n < expected * 2)
		n <<= 1;
	h->buckets = calloc(n, sizeof(*h->buckets));
	if (!h->buckets)
		return -1;
	h->nbuckets = n;
	h->count = 0;
	return 0;
}

void htab_free(struct htab *h)
{
	free(h->buckets);
	h->buckets = NULL;
	h->nbuckets = 0;
	h->count = 0;
}

static int htab_grow(struct htab *h)
{
	size_t n = h->nbuckets * 2, i;
	struct hnode **b = calloc(n, sizeof(*b));

	if (!b)
		return -1;
	for (i = 0; i < h->nbuckets; i++) {
		struct hnode *node = h->buckets[i], *next;

		for (; node; node = next) {
			next = node->next;
			node->next = b[node->hash & (n - 1)];
			b[node->hash & (n - 1)] = node;
		}
	}
	free(h->buckets);
	h->buckets = b;
	h->nbuckets = n;
	return 0;
}

int htab_add(struct htab *h, struct hnode *n, uint32_t hash)
{
	struct hnode **slot;

	if (!h->nbuckets && htab_init(h, 16))
		return -1;
	if (h->count + 1 > h->nbuckets && htab_grow(h))
		return -1;
	n->hash = hash;
	slot = &h->buckets[hash & (h->nbuckets - 1)];
	n->next = *slot;
	*slot = n;
	h->count++;
	return 0;
}

void htab_del(struct htab *h, struct hnode *n)
{
	struct hnode **slot;

	if (!h->nbuckets)
		return;
	for (slot = &h->buckets[n->hash & (h->nbuckets - 1)]; *slot;
	     slot = &(*slot)->next) {
		if (*slot == n) {
			*slot = n->next;
			n->next = NULL;
			h->count--;
			return;
		}
	}
}
