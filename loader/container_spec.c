/*
 * Derives and formats the container spec (rules and format in
 * container_spec.h). Everything is validated while the spec is built, so
 * formatting cannot fail but for memory.
 */
#include "container_spec.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct builder {
	const struct config_container *c;
	struct container_spec *out;
	char *err;
	size_t errlen;
};

static void fail(struct builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct builder *b, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(b->err, b->errlen, "container '%s': ", b->c->name);

	if (n < 0 || (size_t)n >= b->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(b->err + n, b->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Appends a copy of s[0..n) to a NULL-terminated list. */
static bool push(struct builder *b, char ***list, size_t *count, const char *s, size_t n,
                 const char *what)
{
	char **grown;

	if (memchr(s, '\n', n)) {
		fail(b, "%s '%.*s' holds a newline", what, (int)strcspn(s, "\n"), s);
		return false;
	}
	grown = realloc(*list, (*count + 2) * sizeof(char *));
	if (!grown) {
		fail(b, "out of memory");
		return false;
	}
	*list = grown;
	grown[*count] = strndup(s, n);
	grown[*count + 1] = NULL;
	if (!grown[*count]) {
		fail(b, "out of memory");
		return false;
	}
	(*count)++;
	return true;
}

static bool build_argv(struct builder *b, const struct oci_image_config *img)
{
	struct container_spec *o = b->out;

	for (size_t i = 0; i < img->entrypoint.count; i++)
		if (!push(b, &o->argv, &o->argc, img->entrypoint.items[i],
		          strlen(img->entrypoint.items[i]), "argument"))
			return false;
	if (b->c->command[0]) {
		const char *s = b->c->command;

		for (;;) {
			s += strspn(s, " \t");
			if (!*s)
				break;
			size_t n = strcspn(s, " \t");
			if (!push(b, &o->argv, &o->argc, s, n, "argument"))
				return false;
			s += n;
		}
	} else {
		for (size_t i = 0; i < img->cmd.count; i++)
			if (!push(b, &o->argv, &o->argc, img->cmd.items[i],
			          strlen(img->cmd.items[i]), "argument"))
				return false;
	}
	if (o->argc == 0) {
		fail(b, "image has no Entrypoint or Cmd and the config gives no command");
		return false;
	}
	return true;
}

/* Sets or replaces one "NAME=value", keeping the first position. */
static bool set_env(struct builder *b, const char *kv)
{
	struct container_spec *o = b->out;
	const char *eq = strchr(kv, '=');
	size_t name_len = eq ? (size_t)(eq - kv) : 0;

	if (name_len == 0) {
		fail(b, "env '%s' is not NAME=value", kv);
		return false;
	}
	for (size_t i = 0; i < o->envc; i++) {
		if (strncmp(o->env[i], kv, name_len + 1) != 0)
			continue;
		if (strchr(kv, '\n')) {
			fail(b, "env '%.*s' holds a newline", (int)name_len, kv);
			return false;
		}
		char *copy = strdup(kv);
		if (!copy) {
			fail(b, "out of memory");
			return false;
		}
		free(o->env[i]);
		o->env[i] = copy;
		return true;
	}
	return push(b, &o->env, &o->envc, kv, strlen(kv), "env");
}

static bool parse_id(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > 0xfffffffeu) /* (uid_t)-1 means "unchanged" to setuid() */
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Finds the line of a passwd or group file whose field key_field (0 for
 * the name, 2 for the id) equals key, and returns its fields 2 and 3
 * parsed as ids (field 3 only for passwd). */
static bool db_find(const char *db, unsigned key_field, const char *key, size_t key_len,
                    uint32_t *id, uint32_t *id2)
{
	for (const char *line = db; line && *line;) {
		const char *end = line + strcspn(line, "\n");
		const char *f[4], *p = line;
		size_t flen[4];
		unsigned nf = 0;

		while (nf < 4) {
			const char *colon = memchr(p, ':', (size_t)(end - p));

			f[nf] = p;
			flen[nf] = (size_t)((colon ? colon : end) - p);
			nf++;
			if (!colon)
				break;
			p = colon + 1;
		}
		if (nf >= 3 && flen[key_field] == key_len &&
		    strncmp(f[key_field], key, key_len) == 0 && parse_id(f[2], flen[2], id) &&
		    (!id2 || (nf >= 4 && parse_id(f[3], flen[3], id2))))
			return true;
		line = *end ? end + 1 : end;
	}
	return false;
}

static bool build_user(struct builder *b, const char *user, const char *passwd, const char *group)
{
	struct container_spec *o = b->out;
	size_t ulen = strcspn(user, ":");
	const char *g = user[ulen] == ':' ? user + ulen + 1 : NULL;
	uint32_t primary = 0;

	o->uid = 0;
	o->gid = 0;
	if (!user[0])
		return true;
	if (parse_id(user, ulen, &o->uid)) {
		/* A numeric uid takes its primary group when passwd lists it. */
		char key[16];
		uint32_t uid_again;

		snprintf(key, sizeof(key), "%u", o->uid);
		if (db_find(passwd, 2, key, strlen(key), &uid_again, &primary))
			o->gid = primary;
	} else if (db_find(passwd, 0, user, ulen, &o->uid, &primary)) {
		o->gid = primary;
	} else {
		fail(b, "user '%.*s' is not in the image's /etc/passwd", (int)ulen, user);
		return false;
	}
	if (g && !parse_id(g, strlen(g), &o->gid) &&
	    !db_find(group, 0, g, strlen(g), &o->gid, NULL)) {
		fail(b, "group '%s' is not in the image's /etc/group", g);
		return false;
	}
	return true;
}

bool container_spec_build(const struct appliance_config *cfg, const struct config_container *c,
                          const struct oci_image_config *img, const char *passwd, const char *group,
                          struct container_spec *out, char *err, size_t errlen)
{
	struct builder b = {.c = c, .out = out, .err = err, .errlen = errlen};
	const char *cwd = img->working_dir && img->working_dir[0] ? img->working_dir : "/";

	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = '\0';
	if (!build_argv(&b, img))
		goto bad;
	for (size_t i = 0; i < img->env.count; i++)
		if (!set_env(&b, img->env.items[i]))
			goto bad;
	for (uint32_t i = 0; i < c->env_count; i++)
		if (!set_env(&b, config_container_env(cfg, c, i)))
			goto bad;
	if (cwd[0] != '/' || strchr(cwd, '\n')) {
		fail(&b, "WorkingDir '%s' is not an absolute path", cwd);
		goto bad;
	}
	out->cwd = strdup(cwd);
	if (!out->cwd) {
		fail(&b, "out of memory");
		goto bad;
	}
	if (!build_user(&b, img->user ? img->user : "", passwd, group))
		goto bad;
	snprintf(out->hostname, sizeof(out->hostname), "%s", c->name);
	return true;
bad:
	container_spec_free(out);
	return false;
}

/* A partition's name and interfaces: containers first, then [vm]s. */
struct partition_nics {
	const char *name;
	uint32_t count;
	const struct config_nic *nics;
};

static struct partition_nics partition_nics(const struct appliance_config *cfg, uint32_t p)
{
	if (p < cfg->container_count) {
		const struct config_container *c = &cfg->containers[p];
		return (struct partition_nics){c->name, c->nic_count, c->nics};
	}
	const struct config_vm *vm = &cfg->vms[p - cfg->container_count];
	return (struct partition_nics){vm->name, vm->nic_count, vm->nics};
}

/* P's address on network NETWORK: that of its first interface there with
 * a known one; 0 when it has none (not there, or DHCP). */
static uint32_t known_address(const struct partition_nics *p, uint32_t network)
{
	for (uint32_t i = 0; i < p->count && i < CONFIG_MAX_NICS; i++)
		if (p->nics[i].network == network && p->nics[i].mode != CONFIG_NIC_DHCP)
			return p->nics[i].address;
	return 0;
}

static void add_host(struct container_spec *spec, uint32_t address, const char *name)
{
	assert(spec->host_count < CONTAINER_SPEC_MAX_HOSTS);
	struct container_spec_host *h = &spec->hosts[spec->host_count++];

	h->address = address;
	snprintf(h->name, sizeof(h->name), "%s", name);
}

/* OTHER by its address on the first of C's networks it has one on. */
static void add_host_on_shared_network(struct container_spec *spec,
                                       const struct config_container *c,
                                       const struct partition_nics *other)
{
	for (uint32_t i = 0; i < c->nic_count; i++) {
		uint32_t address = known_address(other, c->nics[i].network);

		if (address != 0) {
			add_host(spec, address, other->name);
			return;
		}
	}
}

/* Each replica of a replicated container (C's own included) by its own
 * name, NAME-r, at its own address: the name alone means the first. */
static void add_replica_hosts(struct container_spec *spec, const struct appliance_config *cfg,
                              const struct config_container *c,
                              const struct config_container *replicated)
{
	if (replicated->replicas < 2)
		return;
	for (uint32_t r = 1; r <= replicated->replicas; r++) {
		struct config_nic nics[CONFIG_MAX_NICS];
		char name[CONFIG_NAME_MAX + 1];

		config_replica_nics(cfg, replicated, r, nics);
		config_replica_name(replicated, r, name, sizeof(name));
		struct partition_nics replica = {name, replicated->nic_count, nics};
		add_host_on_shared_network(spec, c, &replica);
	}
}

static void add_dns(struct container_spec *spec, uint32_t server)
{
	for (size_t i = 0; i < spec->dns_count; i++)
		if (spec->dns[i] == server)
			return;
	if (spec->dns_count < CONFIG_MAX_DNS)
		spec->dns[spec->dns_count++] = server;
}

static void clear_network(struct container_spec *spec)
{
	spec->nic_count = 0;
	memset(spec->nics, 0, sizeof(spec->nics));
	spec->gateway = 0;
	spec->dns_count = 0;
	memset(spec->dns, 0, sizeof(spec->dns));
	spec->host_count = 0;
	memset(spec->hosts, 0, sizeof(spec->hosts));
}

bool container_spec_network(const struct appliance_config *cfg, unsigned index,
                            struct container_spec *spec, char *err, size_t errlen)
{
	const struct config_container *c = &cfg->containers[index];
	struct builder b = {.c = c, .out = spec, .err = err, .errlen = errlen};
	uint32_t partitions = cfg->container_count + cfg->vm_count;

	/* config_parse() keeps to these; hosts[] has room for every partition. */
	assert(index < cfg->container_count && cfg->container_count <= CONFIG_MAX_CONTAINERS &&
	       cfg->vm_count <= CONFIG_MAX_VMS);
	clear_network(spec);
	if (errlen)
		err[0] = '\0';
	if (c->nic_count > CONFIG_MAX_NICS) {
		fail(&b, "%u network interfaces, more than %d", c->nic_count, CONFIG_MAX_NICS);
		return false;
	}
	/* Checked up front: the loops below index networks by them. */
	for (uint32_t p = 0; p < partitions; p++) {
		struct partition_nics pn = partition_nics(cfg, p);

		for (uint32_t i = 0; i < pn.count && i < CONFIG_MAX_NICS; i++)
			if (pn.nics[i].network >= cfg->network_count) {
				fail(&b,
				     "partition '%s': eth%u is on network %u, which does not exist",
				     pn.name, i, pn.nics[i].network);
				return false;
			}
	}
	for (uint32_t i = 0; i < c->nic_count; i++) {
		const struct config_nic *n = &c->nics[i];
		const struct config_network *net = &cfg->networks[n->network];
		struct container_spec_nic *sn = &spec->nics[i];

		memcpy(sn->mac, n->mac, sizeof(sn->mac));
		sn->dhcp = n->mode == CONFIG_NIC_DHCP;
		if (!sn->dhcp) {
			if (net->prefix < 1 || net->prefix > 32 || n->address == 0) {
				fail(&b,
				     "eth%u on network '%s': no address or a prefix outside 1..32",
				     i, net->name);
				clear_network(spec);
				return false;
			}
			sn->address = n->address;
			sn->prefix = net->prefix;
		}
		spec->nic_count++;
		if (spec->gateway == 0)
			spec->gateway = net->gateway;
		for (uint32_t d = 0; d < net->dns_count && d < CONFIG_MAX_DNS; d++)
			add_dns(spec, net->dns[d]);
	}

	/* The container's own name first, at its first known address. */
	for (uint32_t i = 0; i < c->nic_count; i++) {
		if (c->nics[i].mode != CONFIG_NIC_DHCP) {
			add_host(spec, c->nics[i].address, c->name);
			break;
		}
	}
	for (uint32_t p = 0; p < partitions; p++) {
		struct partition_nics other = partition_nics(cfg, p);

		if (p != index)
			add_host_on_shared_network(spec, c, &other);
	}
	for (uint32_t p = 0; p < cfg->container_count; p++)
		add_replica_hosts(spec, cfg, c, &cfg->containers[p]);
	return true;
}

/* The dotted quad of an IPv4 address in host byte order; returns out. */
static const char *ipv4_text(uint32_t a, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", a >> 24, a >> 16 & 0xff, a >> 8 & 0xff, a & 0xff);
	return out;
}

/* Appends to a growing string; returns false when out of memory. */
static bool append(char **buf, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool append(char **buf, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *grown;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	grown = n < 0 ? NULL : realloc(*buf, *len + (size_t)n + 1);
	if (!grown)
		return false;
	*buf = grown;
	va_start(ap, fmt);
	vsnprintf(*buf + *len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	*len += (size_t)n;
	return true;
}

char *container_spec_format(const struct container_spec *spec)
{
	char *buf = NULL, a[16];
	size_t len = 0;
	bool ok = append(&buf, &len, "%s", "");

	for (size_t i = 0; ok && i < spec->argc; i++)
		ok = append(&buf, &len, "argv=%s\n", spec->argv[i]);
	for (size_t i = 0; ok && i < spec->envc; i++)
		ok = append(&buf, &len, "env=%s\n", spec->env[i]);
	ok = ok && append(&buf, &len, "cwd=%s\nuid=%u\ngid=%u\nhostname=%s\n", spec->cwd, spec->uid,
	                  spec->gid, spec->hostname);
	for (size_t i = 0; ok && i < spec->nic_count; i++) {
		const struct container_spec_nic *n = &spec->nics[i];
		const uint8_t *m = n->mac;

		ok = append(&buf, &len, "net=%02x:%02x:%02x:%02x:%02x:%02x ", m[0], m[1], m[2],
		            m[3], m[4], m[5]);
		if (ok && n->dhcp)
			ok = append(&buf, &len, "dhcp\n");
		else if (ok)
			ok = append(&buf, &len, "%s/%u\n", ipv4_text(n->address, a), n->prefix);
	}
	if (ok && spec->gateway)
		ok = append(&buf, &len, "route=%s\n", ipv4_text(spec->gateway, a));
	for (size_t i = 0; ok && i < spec->dns_count; i++)
		ok = append(&buf, &len, "dns=%s\n", ipv4_text(spec->dns[i], a));
	for (size_t i = 0; ok && i < spec->host_count; i++)
		ok = append(&buf, &len, "host=%s %s\n", ipv4_text(spec->hosts[i].address, a),
		            spec->hosts[i].name);
	if (!ok) {
		free(buf);
		return NULL;
	}
	return buf;
}

void container_spec_free(struct container_spec *spec)
{
	for (size_t i = 0; i < spec->argc; i++)
		free(spec->argv[i]);
	for (size_t i = 0; i < spec->envc; i++)
		free(spec->env[i]);
	free(spec->argv);
	free(spec->env);
	free(spec->cwd);
	memset(spec, 0, sizeof(*spec));
}
