/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intrusive chained hash table.  Objects embed a struct hnode; the table
 * never allocates per entry.  Names are not unique in ELF symbol tables
 * (many local statics share a name), so lookups walk the whole chain and
 * the caller compares keys.
 */
#ifndef KELF_HASH_H
#define KELF_HASH_H

#include <stddef.h>
#include <stdint.h>

struct hnode {
	struct hnode *next;
	uint32_t hash;
};

struct htab {
	struct hnode **buckets;
	size_t nbuckets;	/* power of two */
	size_t count;
};

uint32_t hash_str(const char *s);
uint32_t hash_u64(uint64_t v);

int htab_init(struct htab *h, size_t expected);
void htab_free(struct htab *h);
int htab_add(struct htab *h, struct hnode *n, uint32_t hash);
void htab_del(struct htab *h, struct hnode *n);

static inline struct hnode *htab_first(const struct htab *h, uint32_t hash)
{
	struct hnode *n;

	if (!h->nbuckets)
		return NULL;
	for (n = h->buckets[hash & (h->nbuckets - 1)]; n; n = n->next)
		if (n->hash == hash)
			return n;
	return NULL;
}

static inline struct hnode *htab_next(const struct hnode *n, uint32_t hash)
{
	for (n = n->next; n; n = n->next)
		if (n->hash == hash)
			return (struct hnode *)n;
	return NULL;
}

/* Iterate over every node whose hash equals @hash. */
#define htab_for_each_hash(pos, h, hv) \
	for (pos = htab_first(h, hv); pos; pos = htab_next(pos, hv))

#endif
