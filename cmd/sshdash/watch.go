package main

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/ui/attach"
	"github.com/sshdash/sshdash/watch"
)

// watchers are the app's per-session watchers and the center their alerts
// go through (to the dashboard, and to the terminal while attached).
type watchers struct {
	mu     sync.Mutex // guards the fields below
	center *watch.Center
	mode   watch.Mode // resolved: never ModeAuto
	byID   map[int]*sessionWatch
}

// sessionWatch is one session's watcher, adapted to session.Observer.
type sessionWatch struct {
	w      *watch.Watcher
	s      atomic.Pointer[session.Session] // set once the session is open
	center *watch.Center
}

// Output implements session.Observer.
func (o *sessionWatch) Output(p []byte) { o.w.Output(p) }

// State implements session.Observer: the transitions the watchers care
// about.
func (o *sessionWatch) State(e session.StateChanged) {
	switch e.To {
	case session.Up:
		o.w.Up()
	case session.Dropped, session.Reconnecting:
		o.w.Down(e.Cause)
	case session.Failed:
		o.w.Failed(e.Cause)
	}
}

// Exited implements session.Observer.
func (o *sessionWatch) Exited(status int) { o.w.Exited(status) }

// post puts an alert in the session's own log and hands it to the center.
func (o *sessionWatch) post(a watch.Alert) {
	if s := o.s.Load(); s != nil {
		a.ID = s.ID()
		s.Note("watch: " + a.Text)
	}
	o.center.Post(a)
}

// init sets up the center and the terminal mode once.
func (a *app) watchCenter() (*watch.Center, watch.Mode) {
	w := &a.watches
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.center == nil {
		w.center = watch.NewCenter()
		w.mode = a.settings.Notify().Resolve(a.e.getenv)
		w.byID = map[int]*sessionWatch{}
	}
	return w.center, w.mode
}

// startWatching gives opts an Observer with the host's watchers from the
// settings file, or from extra (connect --watch) when given. Call
// watching with the opened session afterwards.
func (a *app) startWatching(opts *session.Options, alias string, extra []string) (*sessionWatch, error) {
	spec := a.settings.Watch(alias)
	if len(extra) > 0 {
		s, err := watch.Parse(extra)
		if err != nil {
			return nil, fmt.Errorf("--watch: %w", err)
		}
		spec = s
	}
	center, _ := a.watchCenter()
	o := &sessionWatch{center: center}
	o.w = watch.New(watch.Config{Alias: alias, Clock: opts.Clock, Post: o.post}, spec)
	opts.Observer = o
	return o, nil
}

// watching records s as o's session.
func (a *app) watching(o *sessionWatch, s *session.Session) {
	if o == nil {
		return
	}
	o.s.Store(s)
	w := &a.watches
	w.mu.Lock()
	w.byID[s.ID()] = o
	w.mu.Unlock()
}

// watcherOf is session id's watcher, or nil.
func (a *app) watcherOf(id int) *watch.Watcher {
	w := &a.watches
	w.mu.Lock()
	defer w.mu.Unlock()
	if o := w.byID[id]; o != nil {
		return o.w
	}
	return nil
}

// stopWatching ends session id's watcher (the session was removed).
func (a *app) stopWatching(id int) {
	w := &a.watches
	w.mu.Lock()
	o := w.byID[id]
	delete(w.byID, id)
	w.mu.Unlock()
	if o != nil {
		o.w.Close()
	}
}

// closeWatchers ends every watcher (on exit, after the sessions closed).
func (a *app) closeWatchers() {
	w := &a.watches
	w.mu.Lock()
	all := w.byID
	w.byID = map[int]*sessionWatch{}
	w.mu.Unlock()
	for _, o := range all {
		o.w.Close()
	}
}

// alertsWhileAttached routes alerts to the attach o configures until
// release is called.
func (a *app) alertsWhileAttached(o *attach.Options) (release func()) {
	center, mode := a.watchCenter()
	ch, release := center.Attach()
	o.Alerts = ch
	o.AlertBytes = func(al watch.Alert) []byte { return watch.Sequence(mode, al) }
	return release
}

// The methods below implement ui.WatchBackend; see its documentation.

func (b *backend) Watches(id int) watch.Spec {
	if w := b.a.watcherOf(id); w != nil {
		return w.Spec()
	}
	return watch.Spec{}
}

func (b *backend) SetWatches(id int, s watch.Spec) error {
	w := b.a.watcherOf(id)
	if w == nil {
		return fmt.Errorf("session %d has no watchers (it was closed)", id)
	}
	w.Set(s)
	return nil
}

func (b *backend) Alerts() <-chan watch.Alert {
	c, _ := b.a.watchCenter()
	return c.Alerts()
}

func (b *backend) AlertSequence(al watch.Alert) []byte {
	_, mode := b.a.watchCenter()
	return watch.Sequence(mode, al)
}
