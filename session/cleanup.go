package session

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// leftRemote is a private tmux/screen session on a server that a session
// closed on purpose could not end: its link was down (or the kill timed
// out). It is ended on the next connection to the same host by any
// session of the Manager.
type leftRemote struct {
	name   string   // sd-<random>
	setEnv []string // the closed session's SetEnv (TMUX_TMPDIR may move tmux's socket)
	from   int      // the closed session's ID, for the logs
}

// remoteCleanup remembers, per host (the alias the user opened), the
// remote sessions left to end. The Manager owns it; its sessions share it.
type remoteCleanup struct {
	mu     sync.Mutex // guards byHost
	byHost map[string][]leftRemote
}

func (c *remoteCleanup) add(host string, r leftRemote) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byHost == nil {
		c.byHost = make(map[string][]leftRemote)
	}
	c.byHost[host] = append(c.byHost[host], r)
}

// take removes and returns what is left to end on host.
func (c *remoteCleanup) take(host string) []leftRemote {
	c.mu.Lock()
	defer c.mu.Unlock()
	rs := c.byHost[host]
	delete(c.byHost, host)
	return rs
}

// pending lists what is left to end, as "host: name, name" lines, sorted.
func (c *remoteCleanup) pending() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for host, rs := range c.byHost {
		names := make([]string, len(rs))
		for i, r := range rs {
			names[i] = r.name
		}
		out = append(out, host+": "+strings.Join(names, ", "))
	}
	sort.Strings(out)
	return out
}

// PendingCleanup lists the remote sessions that sessions closed while
// their link was down have left on their servers, not yet ended: one
// "host: name, name" line per host. They are ended on the next connection
// to that host (see Session.Close).
func (m *Manager) PendingCleanup() []string { return m.cleanup.pending() }

// markRemoteEnded records that the remote tmux/screen session was ended on
// purpose (nothing is left to end later).
func (s *Session) markRemoteEnded() {
	s.mu.Lock()
	s.remoteEnded = true
	s.mu.Unlock()
}

// leaveRemoteForLater is called when a session closed on purpose has
// ended without its shell exiting: from finish, and from Close of a
// Failed session (whose run ended before). With its remote tmux/screen
// session not ended (the link was down, or ending it failed), the
// session hands that name to the Manager, to be ended on the next
// connection to the host, and says so in its log. Only once: a closed
// session never runs again (restart refuses it).
func (s *Session) leaveRemoteForLater(closedByUser bool) {
	if s.cleanup == nil || s.opts.TunnelOnly || !closedByUser {
		return
	}
	s.mu.Lock()
	ended, method, everUp := s.remoteEnded, s.lastMethod, s.everUp
	s.remoteEnded = true // ended, or from now on the Manager's to end
	s.mu.Unlock()
	if ended || !everUp || reattachName(method) == "none" {
		return
	}
	s.cleanup.add(s.opts.Alias, leftRemote{name: s.remoteName, setEnv: s.opts.Shell.SetEnv, from: s.id})
	s.logf("the remote session will be ended on the next connection to %s", s.opts.Alias)
}

// endLeftRemotes ends, over the new link l, the remote sessions left on
// this host by sessions closed while their link was down; it runs in its
// own goroutine while the link serves, and ctx ends with the link. What
// could not be ended is handed back for the next connection.
func (s *Session) endLeftRemotes(ctx context.Context, l *link, rs []leftRemote) {
	var again []leftRemote
	for _, r := range rs {
		kctx, cancel := context.WithTimeout(ctx, killTimeout)
		err := runKill(kctx, l, r.name, r.setEnv)
		cancel()
		if err != nil {
			again = append(again, r)
			s.logf("could not end the remote session %s left by session %d (closed while its link was down): %v; trying again on the next connection", r.name, r.from, err)
			continue
		}
		s.logf("ended the remote session %s left by session %d (closed while its link was down)", r.name, r.from)
	}
	for _, r := range again {
		s.cleanup.add(s.opts.Alias, r)
	}
}

// runKill runs killCommand(name) on its own channel of l's connection. If
// ctx ends first the channel is closed (the link is left as it is).
func runKill(ctx context.Context, l *link, name string, setEnv []string) error {
	sess, err := l.client.NewSession()
	if err != nil {
		return fmt.Errorf("open a channel: %w", err)
	}
	defer sess.Close()
	for _, kv := range setEnv {
		if k, v, ok := strings.Cut(kv, "="); ok {
			_ = sess.Setenv(k, v) // refused by the server: the shell did without it too
		}
	}
	done := make(chan error, 1)
	go func() { done <- sess.Run(killCommand(name)) }()
	select {
	case err = <-done:
	case <-ctx.Done():
		sess.Close()
		<-done
		err = context.Cause(ctx)
	}
	if err != nil {
		return fmt.Errorf("end %s: %w", name, err)
	}
	return nil
}

// takeFor is take for a session's new link: nothing for a nil cleanup or
// a tunnel-only session (it may not be allowed to run commands).
func (c *remoteCleanup) takeFor(host string, tunnelOnly bool) []leftRemote {
	if c == nil || tunnelOnly {
		return nil
	}
	return c.take(host)
}
