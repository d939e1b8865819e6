/*
 * Change sets, waiting and event streaming, then the commands built on
 * them (see deploy.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "artifacts.h"
#include "assets.h"
#include "aws_config.h"
#include "credentials.h"
#include "buf.h"
#include "cleanup.h"
#include "cloudformation.h"
#include "deploy.h"
#include "digest.h"
#include "doc.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "options.h"
#include "outfile.h"
#include "output.h"
#include "publish.h"
#include "s3.h"
#include "sigv4.h"
#include "stacks.h"
#include "sts.h"
#include "xalloc.h"
#include "xml.h"

/* Polling: the first wait, doubled up to the cap. */
#define POLL_FIRST_MS	100
#define POLL_MAX_MS	2000
/* Pages of events read back to find where the last look ended. */
#define EVENT_PAGES	10
/* Polls of a settled status unchanged by the operation, then believed. */
#define SAME_POLLS	30
/* The failed events' reasons shown when an operation fails. */
#define MAX_REASONS	5

static const char no_changes_1[] = "didn't contain changes";
static const char no_changes_2[] = "No updates are to be performed";

/* Following a stack's events: what has been shown, what failed. */
struct watch {
	struct cfn	*c;
	const char	*stack_id;
	const char	*stack_name;
	const char	*label;
	char		*mark;		/* the newest EventId already seen */
	char		*stack_status;	/* of the newest event of the stack itself */
	char		*reasons[MAX_REASONS];
	size_t		 nreasons;
	int		 spinner;
	int		 spun;		/* a spinner line is on the terminal */
	unsigned	 tick;
	time_t		 start;
	long		 delay_ms;
};

static int
ends_with(const char *s, const char *suffix)
{
	size_t	n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* --- the spinner, on a terminal ------------------------------------ */

static void
spin_clear(struct watch *w)
{
	if (w->spun) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		w->spun = 0;
	}
}

static void
spin(struct watch *w, const char *status)
{
	static const char	frames[] = "|/-\\";

	if (!w->spinner || log_get_level() < LOG_NORMAL)
		return;
	fprintf(stderr, "\r%c %s: %s (%lds)\033[K", frames[w->tick++ % 4],
	    w->label, status, (long)(time(NULL) - w->start));
	fflush(stderr);
	w->spun = 1;
}

/* --- events -------------------------------------------------------- */

struct event {
	char	*id;
	char	*logical;
	char	*type;
	char	*status;
	char	*reason;
	char	*physical;
};

static void
event_free(struct event *e)
{
	free(e->id);
	free(e->logical);
	free(e->type);
	free(e->status);
	free(e->reason);
	free(e->physical);
}

static char *
text_dup(const struct xml *x, int el, const char *path)
{
	const char	*t = xml_find_text(x, el, path);

	return xstrdup(t != NULL ? t : "");
}

/* A reason worth repeating at the end: not the echo of another failure. */
static int
root_cause(const char *reason)
{
	return *reason != '\0' && strstr(reason, "cancelled") == NULL &&
	    strstr(reason, "Rollback requested") == NULL &&
	    strstr(reason, "failed to create: [") == NULL &&
	    strstr(reason, "failed to update: [") == NULL &&
	    strstr(reason, "failed to delete: [") == NULL;
}

static void
show_event(struct watch *w, const struct event *e)
{
	spin_clear(w);
	log_info("%s: %-28s %-22s %s%s%s", w->label, e->logical, e->status,
	    e->type, *e->reason != '\0' ? ": " : "", e->reason);
	if (strcmp(e->type, "AWS::CloudFormation::Stack") == 0 &&
	    (strcmp(e->physical, w->stack_id) == 0 ||
	    (w->stack_name != NULL && strcmp(e->logical, w->stack_name) == 0))) {
		free(w->stack_status);
		w->stack_status = xstrdup(e->status);
	}
	if (ends_with(e->status, "_FAILED") && root_cause(e->reason) &&
	    w->nreasons < MAX_REASONS)
		w->reasons[w->nreasons++] = xasprintf("%s (%s): %s",
		    e->logical, e->type, e->reason);
}

/*
 * Reads the events newer than w->mark (all of them when init is set, only
 * to set the mark) and shows them oldest first. -1 on error (reported),
 * 1 when the stack is gone (some servers forget a deleted stack at once).
 */
static int
events(struct watch *w, int init)
{
	struct cfn_param	 p[2];
	struct cfn_error	 e;
	struct event		*ev = NULL;
	struct xml		*x = NULL;
	char			*token = NULL;
	const char		*t;
	size_t			 n = 0, i;
	int			 page, m, r, found = 0, rc = -1;

	for (page = 0; page < EVENT_PAGES && !found; page++) {
		p[0] = (struct cfn_param){ "StackName", w->stack_id };
		p[1] = (struct cfn_param){ "NextToken", token };
		r = cfn_call(w->c, "DescribeStackEvents", p, token != NULL ?
		    2 : 1, &x, &e);
		if (r == 1) {
			if (e.message != NULL && strstr(e.message,
			    "does not exist") != NULL)
				rc = 1;
			else
				cfn_error_report(w->c, "DescribeStackEvents", &e);
			cfn_error_free(&e);
			goto out;
		}
		if (r == -1)
			goto out;
		m = xml_find(x, -1, "DescribeStackEventsResponse/"
		    "DescribeStackEventsResult/StackEvents/member");
		for (; m >= 0 && !found; m = xml_next(x, m)) {
			t = xml_find_text(x, m, "EventId");
			if (t == NULL)
				continue;
			if (w->mark != NULL && strcmp(t, w->mark) == 0) {
				found = 1;
				break;
			}
			if (init) {
				/* only the newest one matters */
				w->mark = xstrdup(t);
				found = 1;
				break;
			}
			ev = xreallocarray(ev, n + 1, sizeof(*ev));
			ev[n].id = xstrdup(t);
			ev[n].logical = text_dup(x, m, "LogicalResourceId");
			ev[n].type = text_dup(x, m, "ResourceType");
			ev[n].status = text_dup(x, m, "ResourceStatus");
			ev[n].reason = text_dup(x, m, "ResourceStatusReason");
			ev[n].physical = text_dup(x, m, "PhysicalResourceId");
			n++;
		}
		free(token);
		t = xml_get(x, "DescribeStackEventsResponse/"
		    "DescribeStackEventsResult/NextToken");
		token = t != NULL && *t != '\0' ? xstrdup(t) : NULL;
		xml_free(x);
		x = NULL;
		if (token == NULL)
			break;
	}
	for (i = n; i > 0; i--)
		show_event(w, &ev[i - 1]);
	if (n > 0) {
		free(w->mark);
		w->mark = xstrdup(ev[0].id);
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		event_free(&ev[i]);
	free(ev);
	free(token);
	xml_free(x);
	return rc;
}

static void
watch_free(struct watch *w)
{
	size_t	i;

	spin_clear(w);
	free(w->mark);
	free(w->stack_status);
	for (i = 0; i < w->nreasons; i++)
		free(w->reasons[i]);
}

/*
 * Follows the stack until its status settles: new events as they come,
 * then the stack as DescribeStacks has it in *st. busy is the status the
 * stack had before the operation, or NULL: right after an execution
 * DescribeStacks may still say it, so it counts as settled only once an
 * event of the stack itself says so too. 0, or -1 (reported); 1 when the
 * stack is gone (deleted).
 */
static int
follow(struct watch *w, const char *busy, struct cfn_stack *st)
{
	int	rc, same = 0;

	w->delay_ms = POLL_FIRST_MS;
	for (;;) {
		if ((rc = events(w, 0)) != 0)
			return rc;
		if ((rc = cfn_describe_stack(w->c, w->stack_id, st)) != 0)
			return rc;
		/* a server that never says so is believed after a while */
		if (cfn_status_settled(st->status) && busy != NULL &&
		    strcmp(st->status, busy) == 0)
			same++;
		if (cfn_status_settled(st->status) && (busy == NULL ||
		    strcmp(st->status, busy) != 0 || same > SAME_POLLS ||
		    (w->stack_status != NULL &&
		    strcmp(w->stack_status, st->status) == 0))) {
			/* the last events, which may have come meanwhile */
			if ((rc = events(w, 0)) == -1) {
				cfn_stack_free(st);
				return -1;
			}
			spin_clear(w);
			return 0;
		}
		spin(w, st->status);
		cfn_stack_free(st);
		cfn_poll_sleep(&w->delay_ms, POLL_MAX_MS);
	}
}

static void
say_reasons(const struct watch *w)
{
	size_t	i;

	for (i = 0; i < w->nreasons; i++)
		log_error("%s: %s", w->label, w->reasons[i]);
}

static int
succeeded(const char *status)
{
	return strcmp(status, "CREATE_COMPLETE") == 0 ||
	    strcmp(status, "UPDATE_COMPLETE") == 0 ||
	    strcmp(status, "IMPORT_COMPLETE") == 0;
}

/* --- change sets ---------------------------------------------------- */

struct change {
	char	*action;
	char	*logical;
	char	*type;
	char	*replacement;
};

/* The changes as a table on stderr (what `cdk diff` shows a reviewer). */
static void
show_changes(const char *label, const char *csname, const char *cstype,
    struct change *ch, size_t n)
{
	static const char	*head[] = { "ACTION", "LOGICAL ID", "TYPE",
	    "REPLACEMENT" };
	size_t			 wa = strlen(head[0]), wl = strlen(head[1]);
	size_t			 wt = strlen(head[2]), i;

	log_info("%s: change set %s (%s), %zu change%s%s", label, csname,
	    cstype, n, n == 1 ? "" : "s", n > 0 ? ":" : "");
	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		if (strlen(ch[i].action) > wa)
			wa = strlen(ch[i].action);
		if (strlen(ch[i].logical) > wl)
			wl = strlen(ch[i].logical);
		if (strlen(ch[i].type) > wt)
			wt = strlen(ch[i].type);
	}
	log_info("  %-*s  %-*s  %-*s  %s", (int)wa, head[0], (int)wl, head[1],
	    (int)wt, head[2], head[3]);
	for (i = 0; i < n; i++)
		log_info("  %-*s  %-*s  %-*s  %s", (int)wa, ch[i].action,
		    (int)wl, ch[i].logical, (int)wt, ch[i].type,
		    *ch[i].replacement != '\0' ? ch[i].replacement : "-");
}

enum cs_state {
	CS_ERROR = -1,
	CS_READY,
	CS_EMPTY
};

/*
 * Waits until the change set is made, then shows its changes. CS_EMPTY
 * when CloudFormation says it holds no changes.
 */
static enum cs_state
change_set_wait(struct cfn *c, const struct deploy_spec *s,
    const char *label, const char *csid, const char *csname,
    const char *cstype)
{
	struct cfn_param	 p[3];
	struct watch		 w;
	struct change		*ch = NULL;
	struct xml		*x = NULL;
	const char		*status, *reason, *t;
	char			*token = NULL;
	size_t			 n = 0, i;
	long			 delay = POLL_FIRST_MS;
	int			 m, r;
	enum cs_state		 rc = CS_ERROR;

	memset(&w, 0, sizeof(w));
	w.label = label;
	w.spinner = s->spinner;
	w.start = time(NULL);
	for (;;) {
		p[0] = (struct cfn_param){ "ChangeSetName", csid };
		p[1] = (struct cfn_param){ "StackName", s->stack_name };
		p[2] = (struct cfn_param){ "NextToken", token };
		if (cfn_call(c, "DescribeChangeSet", p, token != NULL ? 3 : 2,
		    &x, NULL) != 0)
			goto out;
		r = xml_find(x, -1, "DescribeChangeSetResponse/"
		    "DescribeChangeSetResult");
		status = xml_find_text(x, r, "Status");
		if (status == NULL) {
			log_error("%s: DescribeChangeSet: the answer has no "
			    "Status", label);
			goto out;
		}
		if (strcmp(status, "FAILED") == 0) {
			spin_clear(&w);
			reason = xml_find_text(x, r, "StatusReason");
			if (reason != NULL && (strstr(reason, no_changes_1) ||
			    strstr(reason, no_changes_2))) {
				rc = CS_EMPTY;
				goto out;
			}
			log_error("%s: change set %s failed: %s", label, csname,
			    reason != NULL ? reason : "no reason given");
			goto out;
		}
		if (strcmp(status, "CREATE_COMPLETE") == 0) {
			for (m = xml_find(x, r, "Changes/member"); m >= 0;
			    m = xml_next(x, m)) {
				ch = xreallocarray(ch, n + 1, sizeof(*ch));
				ch[n].action = text_dup(x, m,
				    "ResourceChange/Action");
				ch[n].logical = text_dup(x, m,
				    "ResourceChange/LogicalResourceId");
				ch[n].type = text_dup(x, m,
				    "ResourceChange/ResourceType");
				ch[n].replacement = text_dup(x, m,
				    "ResourceChange/Replacement");
				n++;
			}
			free(token);
			t = xml_find_text(x, r, "NextToken");
			token = t != NULL && *t != '\0' ? xstrdup(t) : NULL;
			xml_free(x);
			x = NULL;
			if (token != NULL)
				continue;
			spin_clear(&w);
			show_changes(label, csname, cstype, ch, n);
			rc = CS_READY;
			goto out;
		}
		spin(&w, "creating the change set");
		xml_free(x);
		x = NULL;
		cfn_poll_sleep(&delay, POLL_MAX_MS);
	}
out:
	spin_clear(&w);
	for (i = 0; i < n; i++) {
		free(ch[i].action);
		free(ch[i].logical);
		free(ch[i].type);
		free(ch[i].replacement);
	}
	free(ch);
	free(token);
	xml_free(x);
	return rc;
}

/* A name of our own, unique enough: cfngen-20261201T120000-12345. */
static char *
change_set_name(void)
{
	struct tm	tm;
	time_t		now = time(NULL);
	char		stamp[32];

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	return xasprintf("cfngen-%s-%ld", stamp, (long)getpid());
}

static int
create_change_set(struct cfn *c, const struct deploy_spec *s,
    const char *label, const char *csname, const char *cstype, char **csid)
{
	struct cfn_param	*p;
	struct cfn_error	 e;
	struct xml		*x = NULL;
	char			*body = NULL, **names;
	const char		*id;
	size_t			 n = 0, i, cap = 8 + 2 * s->ntags;
	int			 rc = -1, r;

	p = xcalloc(cap, sizeof(*p));
	names = xcalloc(2 * s->ntags + 1, sizeof(*names));
	p[n++] = (struct cfn_param){ "StackName", s->stack_name };
	p[n++] = (struct cfn_param){ "ChangeSetName", csname };
	p[n++] = (struct cfn_param){ "ChangeSetType", cstype };
	if (s->template_url != NULL)
		p[n++] = (struct cfn_param){ "TemplateURL", s->template_url };
	else {
		body = xstrndup(s->template_body, s->template_len);
		p[n++] = (struct cfn_param){ "TemplateBody", body };
	}
	/* Any IAM resource needs the acknowledgement. */
	if (memmem(s->template_body, s->template_len, "AWS::IAM::", 10))
		p[n++] = (struct cfn_param){ "Capabilities.member.1",
		    "CAPABILITY_IAM" };
	p[n++] = (struct cfn_param){ "Description", "cfngen " PACKAGE_VERSION };
	for (i = 0; i < s->ntags; i++) {
		names[2 * i] = xasprintf("Tags.member.%zu.Key", i + 1);
		names[2 * i + 1] = xasprintf("Tags.member.%zu.Value", i + 1);
		p[n++] = (struct cfn_param){ names[2 * i], s->tags[i].key };
		p[n++] = (struct cfn_param){ names[2 * i + 1], s->tags[i].value };
	}
	r = cfn_call(c, "CreateChangeSet", p, n, &x, &e);
	if (r == 1) {
		if (e.message != NULL && strstr(e.message,
		    "ROLLBACK_COMPLETE") != NULL)
			log_error("%s: in ROLLBACK_COMPLETE: its creation failed "
			    "and it cannot be updated; delete it with `cfngen "
			    "destroy --stack-name %s`, then deploy again", label,
			    s->stack_name);
		else
			cfn_error_report(c, "CreateChangeSet", &e);
		cfn_error_free(&e);
		goto out;
	}
	if (r == -1)
		goto out;
	id = xml_get(x, "CreateChangeSetResponse/CreateChangeSetResult/Id");
	*csid = xstrdup(id != NULL && *id != '\0' ? id : csname);
	rc = 0;
out:
	for (i = 0; i < 2 * s->ntags; i++)
		free(names[i]);
	free(names);
	free(p);
	free(body);
	xml_free(x);
	return rc;
}

/* Deletes an empty change set, so they do not pile up; quietly. */
static void
delete_change_set(struct cfn *c, const char *stack, const char *csid)
{
	struct cfn_param	p[] = { { "ChangeSetName", csid },
	    { "StackName", stack } };
	struct cfn_error	e;
	struct xml		*x = NULL;

	if (cfn_call(c, "DeleteChangeSet", p, 2, &x, &e) == 1) {
		log_verbose("DeleteChangeSet %s: %s", csid,
		    e.message != NULL ? e.message : "");
		cfn_error_free(&e);
	}
	xml_free(x);
}

/* Waits for an operation in progress, or refuses with no_wait. */
static int
wait_idle(struct cfn *c, const struct deploy_spec *s, const char *label,
    struct cfn_stack *st)
{
	struct watch	w;
	int		rc;

	if (cfn_status_settled(st->status))
		return 0;
	if (s->no_wait) {
		log_error("%s: an operation is in progress (%s); wait for it, "
		    "or deploy without --no-wait", label, st->status);
		return -1;
	}
	log_info("%s: %s; waiting for it to finish", label, st->status);
	memset(&w, 0, sizeof(w));
	w.c = c;
	w.label = label;
	w.spinner = s->spinner;
	w.start = time(NULL);
	w.stack_id = st->id;
	rc = events(&w, 1);
	if (rc == 0) {
		char	*id = xstrdup(st->id);

		w.stack_id = id;
		cfn_stack_free(st);
		rc = follow(&w, NULL, st);
		free(id);
	}
	if (rc == 1) {
		/* it was being deleted, and now it is gone */
		cfn_stack_free(st);
		rc = 0;
	}
	watch_free(&w);
	return rc;
}

int
deploy_stack(struct cfn *c, const struct deploy_spec *s,
    struct deploy_result *res)
{
	struct cfn_param	 p[2];
	struct cfn_stack	 st;
	struct watch		 w;
	struct xml		*x = NULL;
	const char		*label = s->label != NULL ? s->label :
				    s->stack_name;
	const char		*cstype;
	char			*stack_id = NULL, *before = NULL;
	int			 r, rc = -1;
	enum cs_state		 cs;

	memset(res, 0, sizeof(*res));
	memset(&w, 0, sizeof(w));
	if (s->template_url == NULL &&
	    s->template_len > DEPLOY_TEMPLATE_BODY_MAX) {
		log_error("%s: the template is %zu bytes, more than "
		    "CloudFormation takes inline (%d); it must be uploaded",
		    label, s->template_len, DEPLOY_TEMPLATE_BODY_MAX);
		return -1;
	}
	if ((r = cfn_describe_stack(c, s->stack_name, &st)) == -1)
		return -1;
	if (r == 0 && wait_idle(c, s, label, &st) == -1)
		goto out;
	if (r == 0 && (st.status == NULL ||
	    strcmp(st.status, "DELETE_COMPLETE") == 0))
		r = 1;		/* deleted while we waited */
	if (r == 0 && strcmp(st.status, "ROLLBACK_COMPLETE") == 0) {
		log_error("%s: in ROLLBACK_COMPLETE: its creation failed and "
		    "it cannot be updated; delete it with `cfngen destroy "
		    "--stack-name %s`, then deploy again", label,
		    s->stack_name);
		goto out;
	}
	/* A stack in review holds a change set never executed: no resources. */
	cstype = r == 1 || strcmp(st.status, "REVIEW_IN_PROGRESS") == 0 ?
	    "CREATE" : "UPDATE";
	log_info("%s: %s (%s)", label, strcmp(cstype, "CREATE") == 0 ?
	    "creating the stack" : "updating the stack",
	    cfn_region(c));
	res->change_set = change_set_name();
	if (create_change_set(c, s, label, res->change_set, cstype,
	    &res->change_set_id) == -1)
		goto out;
	cs = change_set_wait(c, s, label, res->change_set_id, res->change_set,
	    cstype);
	if (cs == CS_ERROR)
		goto out;
	if (cs == CS_EMPTY) {
		log_info("%s: no changes", label);
		delete_change_set(c, s->stack_name, res->change_set_id);
		res->outcome = DEPLOY_NO_CHANGES;
		cfn_stack_free(&st);
		if (cfn_describe_stack(c, s->stack_name, &res->stack) != 0) {
			log_error("%s: the stack is gone", label);
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (s->no_execute) {
		log_info("%s: change set %s created, not executed (execute it "
		    "with `aws cloudformation execute-change-set --stack-name "
		    "%s --change-set-name %s`)", label, res->change_set,
		    s->stack_name, res->change_set);
		res->outcome = DEPLOY_REVIEW;
		rc = 0;
		goto out;
	}

	/* The stack exists now (a CREATE change set made it). */
	cfn_stack_free(&st);
	if (cfn_describe_stack(c, s->stack_name, &st) != 0) {
		log_error("%s: the stack is gone", label);
		goto out;
	}
	stack_id = xstrdup(st.id);
	before = xstrdup(st.status);
	w.c = c;
	w.stack_name = s->stack_name;
	w.label = label;
	w.spinner = s->spinner;
	w.start = time(NULL);
	w.stack_id = stack_id;
	if (events(&w, 1) == -1)
		goto out;
	p[0] = (struct cfn_param){ "ChangeSetName", res->change_set_id };
	p[1] = (struct cfn_param){ "StackName", s->stack_name };
	if (cfn_call(c, "ExecuteChangeSet", p, 2, &x, NULL) != 0)
		goto out;
	cfn_stack_free(&st);
	if ((r = follow(&w, before, &res->stack)) != 0) {
		if (r == 1)
			log_error("%s: the stack is gone", label);
		goto out;
	}
	if (!succeeded(res->stack.status)) {
		say_reasons(&w);
		log_error("%s: %s%s%s", label, res->stack.status,
		    res->stack.reason != NULL ? ": " : "",
		    res->stack.reason != NULL ? res->stack.reason : "");
		goto out;
	}
	log_info("%s: %s", label, res->stack.status);
	res->outcome = DEPLOY_DONE;
	rc = 0;
out:
	watch_free(&w);
	cfn_stack_free(&st);
	free(stack_id);
	free(before);
	xml_free(x);
	return rc;
}

void
deploy_result_free(struct deploy_result *res)
{
	if (res == NULL)
		return;
	free(res->change_set);
	free(res->change_set_id);
	cfn_stack_free(&res->stack);
	memset(res, 0, sizeof(*res));
}

/* --- deleting -------------------------------------------------------- */

/*
 * The stacks importing one of st's exports, named in one error; 1 when
 * there are some, 0 when none, -1 on error.
 */
static int
imported(struct cfn *c, const char *label, const struct cfn_stack *st)
{
	struct cfn_param	 p[1];
	struct cfn_error	 e;
	struct xml		*x = NULL;
	struct buf		 who;
	size_t			 i;
	int			 m, r, rc = 0;

	buf_init(&who, 0);
	for (i = 0; rc == 0 && i < st->noutputs; i++) {
		if (st->outputs[i].export_name == NULL)
			continue;
		p[0] = (struct cfn_param){ "ExportName",
		    st->outputs[i].export_name };
		r = cfn_call(c, "ListImports", p, 1, &x, &e);
		if (r == 1) {
			/* "... is not imported by any stack" */
			if (e.message == NULL ||
			    strstr(e.message, "not imported") == NULL) {
				cfn_error_report(c, "ListImports", &e);
				rc = -1;
			}
			cfn_error_free(&e);
			continue;
		}
		if (r == -1) {
			rc = -1;
			break;
		}
		for (m = xml_find(x, -1, "ListImportsResponse/"
		    "ListImportsResult/Imports/member"); m >= 0;
		    m = xml_next(x, m))
			if (buf_addf(&who, "%s%s", who.len > 0 ? ", " : "",
			    xml_text(x, m)) == -1) {
				log_error("%s: %s", label, strerror(errno));
				rc = -1;
				break;
			}
		if (rc == 0 && who.len > 0) {
			log_error("%s: its export %s is imported by %s; destroy "
			    "%s first (cfngen destroy --stack-name %s), or "
			    "deploy it without the import", label,
			    st->outputs[i].export_name, who.data, who.data,
			    who.data);
			rc = 1;
		}
		xml_free(x);
		x = NULL;
	}
	xml_free(x);
	buf_free(&who);
	return rc;
}

int
deploy_delete(struct cfn *c, const char *name, const char *label,
    int spinner)
{
	struct cfn_param	 p[1];
	struct cfn_stack	 st, end;
	struct watch		 w;
	struct xml		*x = NULL;
	char			*id = NULL;
	int			 r, rc = -1;

	if (label == NULL)
		label = name;
	memset(&w, 0, sizeof(w));
	memset(&end, 0, sizeof(end));
	if ((r = cfn_describe_stack(c, name, &st)) == -1)
		return -1;
	if (r == 1) {
		log_info("%s: no such stack in %s; nothing to delete", label,
		    cfn_region(c));
		return 0;
	}
	if (imported(c, label, &st) != 0)
		goto out;
	id = xstrdup(st.id);
	w.c = c;
	w.stack_name = st.name;
	w.label = label;
	w.spinner = spinner;
	w.start = time(NULL);
	w.stack_id = id;
	if (events(&w, 1) == -1)
		goto out;
	log_info("%s: deleting the stack (%s)", label, cfn_region(c));
	p[0] = (struct cfn_param){ "StackName", id };
	if (cfn_call(c, "DeleteStack", p, 1, &x, NULL) != 0)
		goto out;
	/* Settled means gone (DELETE_COMPLETE), or DELETE_FAILED. */
	r = follow(&w, st.status, &end);
	if (r == 1 || (r == 0 && strcmp(end.status, "DELETE_COMPLETE") == 0)) {
		log_info("%s: DELETE_COMPLETE", label);
		rc = 0;
	} else if (r == 0) {
		say_reasons(&w);
		log_error("%s: %s%s%s", label, end.status,
		    end.reason != NULL ? ": " : "",
		    end.reason != NULL ? end.reason : "");
	}
out:
	watch_free(&w);
	cfn_stack_free(&st);
	cfn_stack_free(&end);
	free(id);
	xml_free(x);
	return rc;
}

/* --- the commands ---------------------------------------------------- */

/* cfngen bootstrap's stack; CDK's is CDKToolkit. */
#define BOOTSTRAP_STACK		"CfngenBootstrap"
#define BOOTSTRAP_TEMPLATE	"templates/bootstrap.yaml"
/* CloudFormation reads a template from S3 up to this size. */
#define TEMPLATE_MAX		(1024 * 1024)

/* What a command talks to AWS with: main's settled configuration. */
struct session {
	const struct aws_config	*cfg;
	const struct aws_credentials *cr;
	struct http		*h;
	struct cfn		*cfn;
	struct s3		*s3;
};

static void
session_open(struct session *s, const struct options *o,
    const struct aws_config *cfg, const struct aws_credentials *cr,
    struct http *h)
{
	const char	*ep;

	s->cfg = cfg;
	s->cr = cr;
	s->h = h;
	/* --endpoint-url stays S3's; CloudFormation has its own */
	ep = o->cfn_endpoint_url != NULL ? o->cfn_endpoint_url :
	    aws_config_endpoint(cfg, "cloudformation");
	s->cfn = cfn_new(aws_config_region(cfg), ep, cr, h);
	s->s3 = s3_new(cfg, cr, h);
}

static void
session_close(struct session *s)
{
	s3_free(s->s3);
	cfn_free(s->cfn);
	memset(s, 0, sizeof(*s));
}

static int
spinner_wanted(void)
{
	return isatty(STDERR_FILENO) && log_get_level() >= LOG_NORMAL;
}

/* The outputs of every stack deployed, in order. */
struct outputs {
	struct doc	*map;		/* key -> value, for JSON */
	struct buf	 lines;		/* "Key=Value\n" ... */
};

/* -1 (errno set) if the lines do not fit in memory. */
static int
outputs_add(struct outputs *out, const struct cfn_stack *st)
{
	size_t	i;

	for (i = 0; i < st->noutputs; i++) {
		doc_map_set(out->map, st->outputs[i].key,
		    doc_str(st->outputs[i].value));
		if (buf_addf(&out->lines, "%s=%s\n", st->outputs[i].key,
		    st->outputs[i].value) == -1)
			return -1;
	}
	return 0;
}

/* The outputs on stdout, and in --outputs-file (atomically). */
static int
outputs_write(const struct options *o, struct outputs *out)
{
	struct buf	 json;
	const struct buf *text = &out->lines;
	int		 rc = -1;

	buf_init(&json, 0);
	if (o->format == FORMAT_JSON) {
		if (json_emit(out->map, &json) == -1)
			goto out;
		text = &json;
	}
	if (o->outputs_file != NULL && outfile_put(o->outputs_file,
	    text->data, text->len, 0666) == -1)
		goto out;
	if (write_all(STDOUT_FILENO, text->data, text->len) == -1) {
		log_error("stdout: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	buf_free(&json);
	return rc;
}

/* --template FILE or - (stdin), whole, up to what CloudFormation reads. */
static int
read_template(const char *path, struct buf *out)
{
	int	fd, rc = 0;

	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_error("%s: %s", path, strerror(errno));
		return -1;
	}
	if (buf_read_fd(out, fd) == -1) {
		if (errno == EOVERFLOW)
			log_error("%s: larger than CloudFormation takes (%d "
			    "bytes)", strcmp(path, "-") == 0 ? "stdin" : path,
			    TEMPLATE_MAX);
		else
			log_error("%s: %s", strcmp(path, "-") == 0 ? "stdin" :
			    path, strerror(errno));
		rc = -1;
	} else if (out->len == 0) {
		log_error("%s: the template is empty", strcmp(path, "-") == 0 ?
		    "stdin" : path);
		rc = -1;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

/*
 * A template too large for TemplateBody goes next to the artifacts:
 * <prefix><sha256>.template in bucket; *url is where CloudFormation
 * reads it.
 */
static int
upload_template(struct session *s, const struct options *o,
    const char *bucket, const struct buf *text, char **url)
{
	struct s3_object	 obj;
	enum s3_put_result	 res;
	struct buf		 u;
	unsigned char		 md[SHA256_LEN];
	char			 hex[SHA256_HEX_LEN + 1], *b64 = NULL;
	char			*key = NULL, tmp[] = "/tmp/cfngen-template.XXXXXX";
	const char		*ep = aws_config_endpoint(s->cfg, "s3");
	const char		*region = aws_config_region(s->cfg);
	int			 fd, slot = -1, rc = -1;

	buf_init(&u, 0);
	sha256_buf(text->data, text->len, md);
	hex_encode(md, sizeof(md), hex);
	b64 = base64_encode(md, sizeof(md));
	key = xasprintf("%s%s.template", o->prefix, hex);
	if ((fd = mkstemp(tmp)) == -1) {
		log_error("%s: %s", tmp, strerror(errno));
		goto out;
	}
	slot = cleanup_register(tmp);
	if (write_all(fd, text->data, text->len) == -1) {
		log_error("%s: %s", tmp, strerror(errno));
		close(fd);
		goto out;
	}
	close(fd);
	memset(&obj, 0, sizeof(obj));
	obj.bucket = bucket;
	obj.key = key;
	obj.path = tmp;
	obj.size = text->len;
	obj.sha256_hex = hex;
	obj.sha256_b64 = b64;
	obj.label = "template";
	obj.default_bucket = o->bucket == NULL;
	if (s3_put_file(s->s3, &obj, &res) == -1)
		goto out;
	if ((ep != NULL ? buf_addf(&u, "%s/%s/", ep, bucket) :
	    buf_addf(&u, "https://%s.s3.%s.%s/", bucket, region,
	    strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" :
	    "amazonaws.com")) == -1 ||
	    sigv4_uri_encode(&u, key, strlen(key), 1) == -1) {
		log_error("s3://%s/%s: %s", bucket, key, strerror(errno));
		goto out;
	}
	*url = buf_steal(&u);
	rc = 0;
out:
	if (slot != -1) {
		unlink(tmp);
		cleanup_unregister(slot);
	}
	buf_free(&u);
	free(key);
	free(b64);
	return rc;
}

/* Deploys text as stack name; outputs into out, or the change set's name. */
static int
deploy_text(struct session *s, const struct options *o, const char *name,
    const struct buf *text, const char **bucket, char **bucket_owned,
    struct outputs *out, struct cfn_stack *final)
{
	struct deploy_spec	 spec;
	struct deploy_result	 res;
	struct deploy_tag	*tags;
	char			*url = NULL;
	size_t			 i;
	int			 r, rc = -1;

	memset(&spec, 0, sizeof(spec));
	tags = xcalloc(o->ntags + 1, sizeof(*tags));
	for (i = 0; i < o->ntags; i++)
		tags[i] = (struct deploy_tag){ o->tags[i].key,
		    o->tags[i].value };
	if (text->len > DEPLOY_TEMPLATE_BODY_MAX) {
		if (*bucket == NULL) {
			*bucket_owned = o->bucket != NULL ?
			    xstrdup(o->bucket) : publish_default_bucket(s->s3,
			    s->cfg, s->cr, s->h, NULL);
			if ((*bucket = *bucket_owned) == NULL)
				goto out;
		}
		log_info("%s: the template is %zu bytes, more than "
		    "CloudFormation takes inline; uploading it to %s", name,
		    text->len, *bucket);
		if (upload_template(s, o, *bucket, text, &url) == -1)
			goto out;
	}
	spec.stack_name = name;
	spec.template_body = text->data;
	spec.template_len = text->len;
	spec.template_url = url;
	spec.tags = tags;
	spec.ntags = o->ntags;
	spec.no_execute = o->no_execute;
	spec.no_wait = o->no_wait;
	spec.spinner = spinner_wanted();
	if (deploy_stack(s->cfn, &spec, &res) == -1)
		goto out;
	if (res.outcome == DEPLOY_REVIEW)
		r = buf_addf(&out->lines, "%s\n", res.change_set);
	else
		r = outputs_add(out, &res.stack);
	if (r == -1) {
		log_error("%s: the outputs: %s", name, strerror(errno));
		deploy_result_free(&res);
		goto out;
	}
	if (final != NULL) {
		*final = res.stack;
		memset(&res.stack, 0, sizeof(res.stack));
	}
	deploy_result_free(&res);
	rc = 0;
out:
	free(url);
	free(tags);
	return rc;
}

/* The layer's ARN from the layer stack's LayerArn output. */
static char *
layer_arn_of(struct cfn *c, const char *stack)
{
	struct cfn_stack	st;
	char			*arn = NULL;
	size_t			 i;
	int			 r;

	if ((r = cfn_describe_stack(c, stack, &st)) == -1)
		return NULL;
	for (i = 0; r == 0 && i < st.noutputs; i++)
		if (strcmp(st.outputs[i].key, "LayerArn") == 0)
			arn = xstrdup(st.outputs[i].value);
	if (arn == NULL)
		log_error("%s: %s; deploy the layer first (cfngen deploy), or "
		    "pass --layer-arn", stack, r == 1 ? "no such stack" :
		    "the stack has no LayerArn output");
	cfn_stack_free(&st);
	return arn;
}

struct target {
	enum stack_sel	 which;
	const char	*name;
};

/*
 * The stacks a command works on, in deploy order: --stack layer, example
 * or all (one stack holding both, named as the layer stack), or, with
 * --create-example alone, the layer stack then the example stack.
 */
static size_t
targets(const struct options *o, struct target t[2])
{
	const char	*layer = o->stack_name != NULL ? o->stack_name :
			    o->layer_stack_name;

	switch (o->stack) {
	case STACK_EXAMPLE:
		t[0] = (struct target){ STACK_EXAMPLE, o->stack_name != NULL ?
		    o->stack_name : STACKS_EXAMPLE_STACK };
		return 1;
	case STACK_ALL:
		t[0] = (struct target){ STACK_ALL, layer };
		return 1;
	case STACK_LAYER:
		t[0] = (struct target){ STACK_LAYER, layer };
		return 1;
	default:
		t[0] = (struct target){ STACK_LAYER, layer };
		if (!o->create_example)
			return 1;
		t[1] = (struct target){ STACK_EXAMPLE, STACKS_EXAMPLE_STACK };
		return 2;
	}
}

int
deploy_command(const struct options *o, const struct aws_config *cfg,
    const struct aws_credentials *cr, struct http *h,
    const struct build_result *b, const char *bucket)
{
	struct session		 s;
	struct outputs		 out;
	struct target		 t[2];
	struct buf		 text;
	struct output_spec	 os;
	char			*bucket_owned = NULL, *arn = NULL;
	size_t			 n, i;
	int			 rc = -1;

	out.map = doc_map();
	buf_init(&out.lines, 0);
	buf_init(&text, TEMPLATE_MAX);
	session_open(&s, o, cfg, cr, h);
	if (o->template != NULL) {
		if (read_template(o->template, &text) == -1 ||
		    deploy_text(&s, o, o->stack_name != NULL ? o->stack_name :
		    o->layer_stack_name, &text, &bucket, &bucket_owned, &out,
		    NULL) == -1)
			goto out;
		rc = outputs_write(o, &out);
		goto out;
	}
	n = targets(o, t);
	for (i = 0; i < n; i++) {
		options_output_spec(o, &os);
		if (t[i].which == STACK_EXAMPLE && o->layer_arn == NULL) {
			/* the layer stack's output, read now, as a literal */
			free(arn);
			if ((arn = layer_arn_of(s.cfn, o->stack == STACK_UNSET ?
			    t[0].name : o->layer_stack_name)) == NULL)
				goto out;
			log_info("%s: the layer is %s", t[i].name, arn);
			os.stacks.layer_arn = arn;
		}
		buf_reset(&text);
		if (output_render(&os, b, t[i].which, bucket, &text) == -1 ||
		    deploy_text(&s, o, t[i].name, &text, &bucket,
		    &bucket_owned, &out, NULL) == -1)
			goto out;
	}
	rc = outputs_write(o, &out);
out:
	session_close(&s);
	doc_free(out.map);
	buf_free(&out.lines);
	buf_free(&text);
	free(bucket_owned);
	free(arn);
	return rc;
}

/* Asks on the terminal; 1 for yes. */
static int
confirm(const char *question)
{
	char	line[16];

	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

int
destroy_command(const struct options *o, const struct aws_config *cfg,
    const struct aws_credentials *cr, struct http *h)
{
	struct session	 s;
	struct target	 t[2], order[2];
	struct buf	 names;
	char		*q;
	size_t		 n, i;
	int		 rc = -1;

	buf_init(&names, 0);
	session_open(&s, o, cfg, cr, h);
	n = targets(o, t);
	/* the example reads the layer: it goes first */
	for (i = 0; i < n; i++) {
		order[i] = t[n - 1 - i];
		if (buf_addf(&names, "%s%s", i > 0 ? " and " : "",
		    order[i].name) == -1) {
			log_error("destroy: %s", strerror(errno));
			goto out;
		}
	}
	if (!o->yes && isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
		q = xasprintf("Delete %s in %s?", names.data,
		    aws_config_region(s.cfg));
		i = (size_t)confirm(q);
		free(q);
		if (i == 0) {
			log_error("destroy: not confirmed; nothing deleted");
			goto out;
		}
	}
	for (i = 0; i < n; i++)
		if (deploy_delete(s.cfn, order[i].name, NULL,
		    spinner_wanted()) == -1)
			goto out;
	rc = 0;
out:
	session_close(&s);
	buf_free(&names);
	return rc;
}

int
bootstrap_command(const struct options *o, const struct aws_config *cfg,
    const struct aws_credentials *cr, struct http *h)
{
	const struct asset	*a = asset_get(BOOTSTRAP_TEMPLATE);
	struct session		 s;
	struct outputs		 out;
	struct cfn_stack	 st;
	struct buf		 text;
	const char		*bucket = NULL;
	char			*bucket_owned = NULL, *account = NULL, *name;
	size_t			 i;
	int			 r, rc = -1, have = 0;

	memset(&st, 0, sizeof(st));
	out.map = doc_map();
	buf_init(&out.lines, 0);
	buf_init(&text, 0);
	session_open(&s, o, cfg, cr, h);
	if (buf_add(&text, a->data, a->size) == -1) {
		log_error("bootstrap: the template: %s", strerror(errno));
		goto out;
	}
	if ((account = sts_account_id(cfg, cr, h)) == NULL)
		goto out;
	if (deploy_text(&s, o, o->stack_name != NULL ? o->stack_name :
	    BOOTSTRAP_STACK, &text, &bucket, &bucket_owned, &out, &st) == -1)
		goto out;
	for (i = 0; i < st.noutputs; i++)
		have |= strcmp(st.outputs[i].key, "BucketName") == 0;
	if (!o->no_execute && !have) {
		/* the name the template gives it (some servers keep no outputs) */
		name = xasprintf(PUBLISH_OWN_BUCKET, account,
		    aws_config_region(s.cfg));
		doc_map_set(out.map, "BucketName", doc_str(name));
		r = buf_addf(&out.lines, "BucketName=%s\n", name);
		free(name);
		if (r == -1) {
			log_error("outputs: %s", strerror(errno));
			goto out;
		}
	}
	rc = outputs_write(o, &out);
out:
	session_close(&s);
	cfn_stack_free(&st);
	doc_free(out.map);
	buf_free(&out.lines);
	buf_free(&text);
	free(bucket_owned);
	free(account);
	return rc;
}
