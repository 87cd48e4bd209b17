package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/ui"
)

// The dashboard's detached sessions (ui.DetachedBackend): listing,
// resuming and closing sshdash's sessions left running on a host.

// detachedTimeout bounds a list or close: the login and the remote
// command. A host that is down fails within it, never blocking the UI (it
// runs in a command).
const detachedTimeout = 20 * time.Second

// detachedNews collects the lists that sessions' first connections found
// (session.Options.OnRemoteSessions) until the dashboard takes them; the
// sender never waits for the dashboard.
type detachedNews struct {
	mu     sync.Mutex // guards lists
	lists  map[string][]session.RemoteSession
	signal chan struct{} // capacity 1: "there is something to take"
}

func newDetachedNews() *detachedNews {
	return &detachedNews{lists: map[string][]session.RemoteSession{}, signal: make(chan struct{}, 1)}
}

// add records alias's list (the latest wins) and signals.
func (n *detachedNews) add(alias string, list []session.RemoteSession) {
	n.mu.Lock()
	n.lists[alias] = list
	n.mu.Unlock()
	select {
	case n.signal <- struct{}{}:
	default: // a signal is pending already; it covers this list too
	}
}

// take returns the recorded lists and forgets them.
func (n *detachedNews) take() map[string][]session.RemoteSession {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := n.lists
	n.lists = map[string][]session.RemoteSession{}
	return out
}

// onRemoteSessions is the hook a dashboard session reports its host's
// other sessions with; a failed listing (nil) says nothing.
func (b *backend) onRemoteSessions(alias string) func([]session.RemoteSession) {
	return func(list []session.RemoteSession) {
		if list != nil {
			b.news.add(alias, list)
		}
	}
}

// DetachedNews implements ui.DetachedBackend.
func (b *backend) DetachedNews() <-chan struct{} { return b.news.signal }

// TakeDetachedNews implements ui.DetachedBackend: the lists sessions
// found, without the sessions this dashboard has open.
func (b *backend) TakeDetachedNews() []ui.DetachedListed {
	var out []ui.DetachedListed
	for alias, list := range b.news.take() {
		out = append(out, ui.DetachedListed{Alias: alias, List: b.withoutOwn(alias, list)})
	}
	return out
}

// withoutOwn leaves out of a host's list the remote sessions of this
// dashboard's sessions to it (a dropped one shows as detached there).
func (b *backend) withoutOwn(alias string, list []session.RemoteSession) []session.RemoteSession {
	own := map[string]bool{}
	for _, s := range b.a.mgr.Sessions() {
		if s.Alias() == alias && !s.Status().State.Terminal() {
			own[s.RemoteName()] = true
		}
	}
	out := make([]session.RemoteSession, 0, len(list))
	for _, r := range list {
		if !own[r.Name] {
			out = append(out, r)
		}
	}
	return out
}

// ListDetached implements ui.DetachedBackend.
func (b *backend) ListDetached(alias string) tea.Cmd {
	return func() tea.Msg {
		list, err := b.listOn(context.Background(), alias)
		if err != nil {
			return ui.DetachedListed{Alias: alias, Err: err}
		}
		return ui.DetachedListed{Alias: alias, List: b.withoutOwn(alias, list)}
	}
}

// listOn lists sshdash's sessions on alias's server over a login of its
// own (onHost) and tells the record of hosts with sessions left running.
func (b *backend) listOn(ctx context.Context, alias string) ([]session.RemoteSession, error) {
	var list []session.RemoteSession
	err := b.onHost(ctx, alias, func(ctx context.Context, conn *session.Conn) error {
		var err error
		list, err = session.ListRemoteSessions(ctx, conn)
		return err
	})
	if err != nil {
		return nil, err
	}
	b.a.left.listed(alias, list)
	return list, nil
}

// CloseDetached implements ui.DetachedBackend: it ends name when it is
// one of sshdash's sessions on the host and nobody is attached to it.
func (b *backend) CloseDetached(alias, name string) tea.Cmd {
	return func() tea.Msg {
		err := b.onHost(context.Background(), alias, func(ctx context.Context, conn *session.Conn) error {
			list, err := session.ListRemoteSessions(ctx, conn)
			if err != nil {
				return err
			}
			for _, r := range list {
				if r.Name != name {
					continue
				}
				if r.Attached {
					return fmt.Errorf("%s is in use now (an sshdash is attached to it); it was left running", name)
				}
				if err := session.CloseRemoteSession(ctx, conn, name); err != nil {
					return err
				}
				b.a.left.closed(alias, name)
				return nil
			}
			return fmt.Errorf("%s is no longer on the host (it ended, or was closed)", name)
		})
		return ui.DetachedClosed{Alias: alias, Name: name, Err: err}
	}
}

// ResumeDetached implements ui.DetachedBackend.
func (b *backend) ResumeDetached(alias, name string) tea.Cmd {
	return b.openSession(alias, false, false, name)
}

// onHost logs into alias with nobody to ask (keys and the agent only; an
// unknown host key or a password is refused), runs fn and logs out, all
// within detachedTimeout and ctx.
func (b *backend) onHost(ctx context.Context, alias string, fn func(context.Context, *session.Conn) error) error {
	p, err := b.a.opener.Plan(alias)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, detachedTimeout)
	defer cancel()
	conn, err := b.a.opener.Dial(ctx, p, session.DialHooks{}, nil)
	if err != nil {
		return fmt.Errorf("could not log in: %s", sshStyleMessage(err))
	}
	defer conn.Close()
	return fn(ctx, conn)
}

var _ ui.DetachedBackend = (*backend)(nil)
