package main

import (
	"context"

	"github.com/sshdash/sshdash/netwatch"
	"github.com/sshdash/sshdash/session"
)

// watchNetwork starts the app's network watcher, once per process: on a
// network change (Linux) or a resume from suspend it has every session
// checked at once (session.Manager.ProbeAll). It returns the function that
// stops the watcher and waits for it; a second call, while it runs (the
// dashboard after connect's detach), returns one that does nothing.
func (a *app) watchNetwork() (stop func()) {
	a.netMu.Lock()
	defer a.netMu.Unlock()
	if a.netWatching {
		return func() {}
	}
	a.netWatching = true
	w := a.netWatcher
	if w == nil {
		w = netwatch.New(netwatch.Options{Logger: a.log})
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = w.Run(ctx, func(c netwatch.Change) {
			reason := session.ReasonNetworkChanged
			if c.Kind == netwatch.Resumed {
				reason = session.ReasonResumed
			}
			sum := a.mgr.ProbeAll(reason)
			a.log.Info("checked the sessions at once", "why", c.String(), "probed", sum.Probed, "retried", sum.Hurried)
		})
	}()
	return func() {
		cancel()
		<-done
		a.netMu.Lock()
		a.netWatching = false
		a.netMu.Unlock()
	}
}
