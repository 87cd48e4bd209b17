// Broadcast sends: one at a time, to every marked session, each checked
// for being up as the bytes go out; the result lists who was skipped.

package ui

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/session"
)

// sendWait bounds how long a send waits for the sessions' writes. A write
// still blocked then (a transport that does not take bytes) is reported
// as such; its session is skipped until it returns.
const sendWait = 2 * time.Second

// compareDelay is how long after a line went out the receivers' screens
// are compared: long enough for a quick command's output.
const compareDelay = time.Second

// Errors of a send that did not reach a session, besides SendIfUp's.
var (
	errWritePending = errors.New("an earlier write has not finished")
	errWriteSlow    = errors.New("the write did not finish in time")
)

// bcTarget is a marked session a send goes to.
type bcTarget struct {
	id    int
	alias string
}

// bcResult is what one session did with a send.
type bcResult struct {
	bcTarget
	err error // nil: sent
}

// Messages of the broadcast.
type (
	bcSentMsg struct {
		item    bcItem
		results []bcResult
	}
	bcCompareMsg struct {
		seq  int
		line string
		ids  []int
	}
)

// targets are the marked sessions, in the table's order.
func (m *Model) targets() []bcTarget {
	var out []bcTarget
	for _, s := range m.snapshot {
		if m.sessions.marked[s.ID] {
			out = append(out, bcTarget{s.ID, s.Alias})
		}
	}
	return out
}

// enqueue sends it now, or after the send in flight.
func (m *Model) enqueue(it bcItem) tea.Cmd {
	if it.compare {
		m.bc.seq++
		it.seq = m.bc.seq
		m.sessions.outliers = nil // until the next broadcast only
	}
	if m.bc.inflight {
		if n := len(m.bc.queue); n > 0 && it.live && m.bc.queue[n-1].live && !m.bc.queue[n-1].compare {
			last := &m.bc.queue[n-1]
			last.data = append(last.data, it.data...)
			last.line, last.compare, last.seq = it.line, it.compare, it.seq
			return nil
		}
		m.bc.queue = append(m.bc.queue, it)
		return nil
	}
	return m.sendNow(it)
}

// sendNow starts a send of it to the marked sessions.
func (m *Model) sendNow(it bcItem) tea.Cmd {
	b, ok := m.backend.(Broadcaster)
	if !ok {
		return nil
	}
	targets := m.targets()
	if len(targets) == 0 {
		m.bcStatus("not sent: none of the marked sessions is open any more", statusError)
		return nil
	}
	m.bc.inflight = true
	pw := m.bc.writes
	return func() tea.Msg {
		return bcSentMsg{item: it, results: sendAll(b, pw, targets, it.data)}
	}
}

// sendAll writes p to every target at once and waits for all, at most
// sendWait. A write still running then goes on in its goroutine (which
// ends with the write: a blocked transport is closed by its heartbeat).
func sendAll(b Broadcaster, pw *pendingWrites, targets []bcTarget, p []byte) []bcResult {
	type done struct {
		i   int
		err error
	}
	res := make([]bcResult, len(targets))
	ch := make(chan done, len(targets))
	waiting := 0
	for i, t := range targets {
		res[i] = bcResult{bcTarget: t, err: errWriteSlow}
		if !pw.start(t.id) {
			res[i].err = errWritePending
			continue
		}
		waiting++
		go func(i, id int) {
			err := b.SendIfUp(id, p)
			pw.end(id)
			ch <- done{i, err}
		}(i, t.id)
	}
	timer := time.NewTimer(sendWait)
	defer timer.Stop()
	for ; waiting > 0; waiting-- {
		select {
		case d := <-ch:
			res[d.i].err = d.err
		case <-timer.C:
			return res
		}
	}
	return res
}

// skipReason is the short word for why a session did not get a send.
func skipReason(err error) string {
	var nu *session.NotUpError
	switch {
	case errors.As(err, &nu):
		return nu.Reason()
	case errors.Is(err, ErrSessionGone):
		return "closed"
	case errors.Is(err, errWritePending):
		return "busy"
	case errors.Is(err, errWriteSlow):
		return "slow link"
	}
	return "write failed"
}

// sent acts on a send's results: the status line, the skipped sessions'
// event logs, the comparison of outputs, and the next send.
func (m *Model) sent(msg bcSentMsg) tea.Cmd {
	m.bc.inflight = false
	var got []int
	var skipped []string
	b, _ := m.backend.(Broadcaster)
	for _, r := range msg.results {
		if r.err == nil {
			got = append(got, r.id)
			delete(m.bc.liveNoted, r.id)
			continue
		}
		why := skipReason(r.err)
		skipped = append(skipped, fmt.Sprintf("%s (%s)", r.alias, why))
		if b == nil {
			continue
		}
		switch {
		case !msg.item.live:
			b.Note(r.id, fmt.Sprintf("broadcast line not sent: the session was %s (nothing is queued)", why))
		case !m.bc.liveNoted[r.id]:
			m.bc.liveNoted[r.id] = true
			b.Note(r.id, fmt.Sprintf("live broadcast keys not sent: the session was %s (nothing is queued)", why))
		}
	}
	m.reportSend(msg, len(got), skipped)

	var cmds []tea.Cmd
	if msg.item.compare && len(got) >= 2 {
		seq, line := msg.item.seq, msg.item.line
		cmds = append(cmds, m.sh.after(compareDelay, func(time.Time) tea.Msg {
			return bcCompareMsg{seq: seq, line: line, ids: got}
		}))
	}
	for len(m.bc.queue) > 0 && !m.bc.inflight {
		next := m.bc.queue[0]
		m.bc.queue = m.bc.queue[1:]
		cmds = append(cmds, m.sendNow(next)) // nil, and not in flight, when it has nobody to go to
	}
	return tea.Batch(cmds...)
}

// reportSend puts the outcome of a send in the status line.
func (m *Model) reportSend(msg bcSentMsg, got int, skipped []string) {
	total := len(msg.results)
	list := strings.Join(skipped, ", ")
	if msg.item.live {
		// Every key is a send: say only what changes.
		if list == m.bc.lastSkip {
			return
		}
		m.bc.lastSkip = list
		if list == "" {
			m.bcStatus(fmt.Sprintf("live broadcast: keys reach all %d marked sessions", total), statusOK)
		} else {
			m.bcStatus(fmt.Sprintf("live broadcast: keys reach %d of %d; skipped: %s", got, total, list), statusError)
		}
		return
	}
	switch {
	case len(skipped) == 0:
		m.bcStatus(fmt.Sprintf("sent to %d session(s)", total), statusOK)
	case got == 0:
		m.bcStatus("not sent; skipped: "+list, statusError)
	default:
		m.bcStatus(fmt.Sprintf("sent to %d of %d; skipped: %s", got, total, list), statusError)
	}
}

// compared marks the receivers whose output differs from the majority's.
func (m *Model) compared(msg bcCompareMsg) {
	b, ok := m.backend.(Broadcaster)
	if !ok || msg.seq != m.bc.seq {
		return // a later broadcast replaced this one
	}
	outs := make(map[int][]string, len(msg.ids))
	for _, id := range msg.ids {
		s, ok := m.sessionByID(id)
		if !ok {
			continue
		}
		outs[id] = outputAfter(b.ScreenText(id), msg.line, hostNames(s))
	}
	odd, majority := outliers(outs)
	m.sessions.outliers = nil
	if len(odd) == 0 {
		if !majority && len(outs) > 1 {
			m.bcStatus("the outputs differ and no majority agrees", statusError)
		}
		return
	}
	m.sessions.outliers = map[int]bool{}
	var names []string
	for _, id := range odd {
		m.sessions.outliers[id] = true
		if s, ok := m.sessionByID(id); ok {
			names = append(names, s.Alias)
		}
	}
	sort.Strings(names)
	m.bcStatus(fmt.Sprintf("output differs from the others' on %s (marked %s)", strings.Join(names, ", "), outlierMark), statusError)
}
