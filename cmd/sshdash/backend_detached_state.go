package main

import (
	"context"
	"log/slog"
	"strings"
	"sync"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/session/leftover"
)

// The record of hosts where sshdash may have left shells running
// (session/leftover): this process adds a host when one of its sessions
// comes up there under tmux or screen (the shell then outlives a killed
// sshdash), and removes it when the process ends having closed all its
// sessions there cleanly with nothing else of sshdash's known to be left on
// the host. The dashboard lists the recorded hosts at start, and no other.

// leftovers follows this process's reattachable sessions for the record.
type leftovers struct {
	store   *leftover.Store // nil: no record (no state directory, the demo)
	log     *slog.Logger
	pending func() []string // the Manager's PendingCleanup

	mu     sync.Mutex // guards recs and others
	recs   []*leftRec
	others map[string][]string // alias → the host's sshdash sessions in its latest listing
}

// leftRec is one session of this process.
type leftRec struct {
	alias string
	s     *session.Session // nil until Open returned
	up    bool             // it came up under tmux or screen; the host is recorded
}

func newLeftovers(store *leftover.Store, log *slog.Logger, pending func() []string) *leftovers {
	return &leftovers{store: store, log: log, pending: pending, others: map[string][]string{}}
}

// track makes opts record alias once the session comes up under tmux or
// screen (its first connection's listing, OnRemoteSessions, which also
// gives the host's other sessions). The returned bind is called with the
// opened session.
func (t *leftovers) track(opts *session.Options, alias string) (bind func(*session.Session)) {
	if t == nil || t.store == nil || opts.TunnelOnly || opts.Reattach == session.ReattachNone {
		return func(*session.Session) {}
	}
	r := &leftRec{alias: alias}
	t.mu.Lock()
	t.recs = append(t.recs, r)
	t.mu.Unlock()
	prev := opts.OnRemoteSessions
	// Called once, from the session's own goroutine (the listing's): the
	// record's write is short and bounded by its lock wait.
	opts.OnRemoteSessions = func(list []session.RemoteSession) {
		if prev != nil {
			prev(list)
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		r.up = true
		if list != nil {
			t.others[alias] = remoteNames(list)
		}
		if err := t.store.Add(alias); err != nil {
			t.log.Warn("could not record the host as having a session that may be left running", "host", alias, "err", err)
		}
	}
	return func(s *session.Session) {
		t.mu.Lock()
		r.s = s
		t.mu.Unlock()
	}
}

// listed takes a fresh listing of alias's sshdash sessions (nil error:
// list is complete). A host where nothing of sshdash's is left, and where
// this process has no session up, is removed from the record.
func (t *leftovers) listed(alias string, list []session.RemoteSession) {
	if t == nil || t.store == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.others[alias] = remoteNames(list)
	if len(t.foreignLocked(alias)) > 0 {
		return
	}
	for _, r := range t.recs {
		if r.alias == alias && r.up && (r.s == nil || !isDone(r.s)) {
			return // its shell may still be left running when this process dies
		}
	}
	if err := t.store.Remove(alias); err != nil {
		t.log.Warn("could not update the record of hosts with sessions left running", "host", alias, "err", err)
	}
}

// closed says that name on alias was closed on the server.
func (t *leftovers) closed(alias, name string) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	names := t.others[alias]
	out := names[:0:0]
	for _, n := range names {
		if n != name {
			out = append(out, n)
		}
	}
	t.others[alias] = out
}

// foreignLocked is the host's last listed sessions other than this
// process's live sessions and those it ended cleanly. t.mu is held.
func (t *leftovers) foreignLocked(alias string) []string {
	own := map[string]bool{}
	for _, r := range t.recs {
		if r.alias == alias && r.s != nil && (!isDone(r.s) || t.endedClean(r)) {
			own[r.s.RemoteName()] = true
		}
	}
	var out []string
	for _, n := range t.others[alias] {
		if !own[n] {
			out = append(out, n)
		}
	}
	return out
}

// endedClean reports whether r's session has ended leaving nothing on
// the server: Closed (the shell exited, or it was closed) and its remote
// session not among those left to end later (PendingCleanup).
func (t *leftovers) endedClean(r *leftRec) bool {
	return r.s != nil && isDone(r.s) && r.s.Status().State == session.Closed && !leftFor(t.pending(), r.alias, r.s.RemoteName())
}

// settle runs as the process ends, after its sessions were closed (or
// left running): a host is removed from the record when every session
// this process had up there has ended cleanly and its last listing showed
// nothing else of sshdash's there. Sessions left running (the dashboard's
// quit "leave running"), still ending or failed keep the host. It may run
// more than once (connect's detach runs the dashboard).
func (t *leftovers) settle() {
	if t == nil || t.store == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	keep, seen := map[string]bool{}, map[string]bool{}
	for _, r := range t.recs {
		if !r.up {
			continue
		}
		seen[r.alias] = true
		if !t.endedClean(r) {
			keep[r.alias] = true
		}
	}
	var gone []string
	for alias := range seen {
		if _, listed := t.others[alias]; !listed || keep[alias] || len(t.foreignLocked(alias)) > 0 {
			continue
		}
		gone = append(gone, alias)
	}
	if len(gone) == 0 {
		return
	}
	if err := t.store.Remove(gone...); err != nil {
		t.log.Warn("could not update the record of hosts with sessions left running", "err", err)
	}
}

// hosts is the record's hosts (nil without a record).
func (t *leftovers) hosts() []string {
	if t == nil || t.store == nil {
		return nil
	}
	return t.store.Hosts()
}

// isDone reports whether s has ended.
func isDone(s *session.Session) bool {
	select {
	case <-s.Done():
		return true
	default:
		return false
	}
}

// leftFor reports whether a PendingCleanup line ("host: name, name")
// names name on alias.
func leftFor(pending []string, alias, name string) bool {
	for _, line := range pending {
		host, names, ok := strings.Cut(line, ": ")
		if !ok || host != alias {
			continue
		}
		for _, n := range strings.Split(names, ", ") {
			if n == name {
				return true
			}
		}
	}
	return false
}

// remoteNames is the names of a listing.
func remoteNames(list []session.RemoteSession) []string {
	out := make([]string, 0, len(list))
	for _, r := range list {
		out = append(out, r.Name)
	}
	return out
}

// leftoverFetchers bounds the logins of the fetch at dashboard start.
const leftoverFetchers = 4

// fetchLeftovers lists, in the background, the detached sessions of the
// configured hosts where sshdash may have left shells (the record),
// except those the dashboard opens itself (their sessions list them), and
// hands the lists to the dashboard as news. The returned stop cancels the
// logins still under way and waits for them.
func (b *backend) fetchLeftovers() (stop func()) {
	configured := map[string]bool{}
	for _, h := range b.hosts {
		configured[h.Alias] = true
	}
	for _, a := range b.a.openAtStart {
		delete(configured, a)
	}
	var todo []string
	for _, a := range b.a.left.hosts() {
		if configured[a] {
			todo = append(todo, a)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	slots := make(chan struct{}, leftoverFetchers)
	for _, alias := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			case <-ctx.Done():
				return
			}
			list, err := b.listOn(ctx, alias)
			if err != nil {
				b.a.log.Info("could not list the sessions left on a host at start", "host", alias, "err", err)
				return
			}
			b.news.add(alias, list)
		}()
	}
	return func() { cancel(); wg.Wait() }
}
