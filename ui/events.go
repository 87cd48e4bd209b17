// Session events: coalescing into flushes, and the 1 s and spinner timers.

package ui

import (
	"fmt"
	"runtime"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/session"
)

// spinInterval is the spinner's frame time.
const spinInterval = 100 * time.Millisecond

// spinnerFrame is frame n of the spinner shown by sessions in progress.
func spinnerFrame(n int) string {
	const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏" // ten frames of three bytes
	i := (n % 10) * 3
	return frames[i : i+3]
}

// flushInterval is how soon output for the session shown in the preview,
// and the state changes that can wait (see canWait), are drawn: at most
// four redraws a second, however much arrives.
const flushInterval = 250 * time.Millisecond

// eventBatchMax bounds how many waiting events one message carries.
const eventBatchMax = 512

// eventBatchYields is how many times waitEvent lets other goroutines run
// when no further event is waiting before it ends a batch.
const eventBatchYields = 2

// eventsMsg is the session events that were waiting at once, in order;
// closed says the channel closed after them.
type eventsMsg struct {
	evs    []session.Event
	closed bool
}

// waitEvent waits for the next session event and takes the ones already
// waiting behind it too: opening a thousand sessions queues thousands of
// state changes, and applied one message at a time each took a snapshot of
// all sessions and a redraw (the dashboard was still working through them
// long after all were up).
func (m Model) waitEvent() tea.Cmd {
	ch := m.events
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return eventsClosedMsg{}
		}
		evs := []session.Event{ev}
		for yields := 0; len(evs) < eventBatchMax; {
			select {
			case ev, ok := <-ch:
				if !ok {
					return eventsMsg{evs: evs, closed: true}
				}
				evs = append(evs, ev)
				yields = 0
			default:
				// The session layer hands events over one at a time, and
				// its dispatcher, just woken by the last receive, has
				// not yet run to offer the next: yield to it before
				// deciding the burst is over. Without this a burst of
				// heartbeats (delivered together every 100 ms, or every
				// second where the consumer asks, as the dashboard does)
				// arrived as one message each, 180 messages a second at
				// a thousand sessions.
				// Only how events are grouped depends on it.
				if yields < eventBatchYields {
					yields++
					runtime.Gosched()
					continue
				}
				return eventsMsg{evs: evs}
			}
		}
		return eventsMsg{evs: evs}
	}
}

// handleEvents applies a batch of events with one snapshot of all
// sessions at the end instead of one per state change.
func (m *Model) handleEvents(evs []session.Event) (tea.Cmd, bool) {
	if len(evs) == 1 {
		return m.handleEvent(evs[0])
	}
	m.deferRefresh = true
	cmds := make([]tea.Cmd, 0, len(evs)+2)
	changed := false
	for _, ev := range evs {
		c, ch := m.handleEvent(ev)
		cmds = append(cmds, c)
		changed = changed || ch
	}
	m.deferRefresh = false
	if m.refreshDeferred {
		m.refreshSessions()
		cmds = append(cmds, m.ensureTimers()...)
		cmds = append(cmds, m.maybeAttachPending())
	}
	return tea.Batch(cmds...), changed
}

// handleEvent applies a session event. Heartbeats and output only mark
// the snapshot stale: the 1 s tick, which redraws anyway for the uptimes,
// takes the new snapshot. Taking it costs O(sessions), and with a thousand
// sessions heartbeats arrive all the time, so a flush per burst of them
// redrew four times a second for figures that change every few seconds.
// Output for the session in the preview schedules a flush of the preview
// alone, so that a shell's output shows within flushInterval (once per
// tick while it streams: see previewstream.go).
func (m *Model) handleEvent(ev session.Event) (tea.Cmd, bool) {
	switch ev := ev.(type) {
	case session.HeartbeatUpdate:
		m.needRefresh = true
		return nil, false
	case session.OutputArrived:
		m.needRefresh = true
		if id, ok := m.sessions.selectedID(); ok && id == ev.ID && !m.preview.rect.empty() {
			return m.previewOutput(ev.ID), false
		}
		return nil, false
	case session.StateChanged:
		m.sh.log.Debug("session state", "session", ev.ID, "from", ev.From.String(), "to", ev.To.String())
		if m.canWait(ev) {
			m.statesDirty = true
			return m.scheduleFlush(), false
		}
		m.refreshSessions()
		var cmds []tea.Cmd
		if ev.To.Terminal() {
			m.prompts.dropSession(ev.ID)
		}
		if m.hasPendingAttach && m.pendingAttach == ev.ID && ev.To.Terminal() {
			m.hasPendingAttach = false
		}
		if ev.To == session.Failed {
			if m.refreshDeferred { // its alias, if it is new
				m.deferRefresh = false
				m.refreshSessions()
				m.deferRefresh = true
			}
			cause := "unknown cause"
			if ev.Cause != nil {
				// A failure the table abbreviates (a changed host key,
				// refused authentication) is named the same way here;
				// its preview has the whole of it.
				cause = shortCause(ev.Cause)
				if full := oneLine(ev.Cause.Error()); cause != full {
					cause += " (its preview has the details)"
				}
			}
			m.status = statusLine{fmt.Sprintf("%s failed: %s", m.aliasOf(ev.ID), cause), statusError}
		}
		cmds = append(cmds, m.ensureTimers()...)
		cmds = append(cmds, m.maybeAttachPending())
		return tea.Batch(cmds...), true
	case session.PromptRequested:
		if ev.Prompt == nil {
			return nil, false
		}
		m.sh.log.Debug("prompt queued", "session", ev.ID, "kind", int(ev.Prompt.Kind)) // never the answers
		return m.prompts.push(ev.ID, m.aliasOf(ev.ID), ev.Prompt), true
	case session.Logged:
		if m.logOpen && m.logv.id == ev.ID {
			m.logv.add(ev.Entry)
		}
		m.status = statusLine{fmt.Sprintf("%s: %s", m.aliasOf(ev.ID), ev.Entry.Text), statusInfo}
		return nil, true
	}
	return nil, false
}

// canWait reports whether a state change may be drawn at the next flush
// (within flushInterval, with one snapshot of all sessions for all of
// them) rather than at once: a connecting session's next stage, its
// coming up, and a live session going Stale or back Up. Opening a
// thousand sessions publishes thousands of these, and a loaded machine
// dozens of late heartbeat replies a second; each taken at once was a
// snapshot of all sessions and a redraw, and the dashboard was still
// drawing the opening long after all were up. A session the user waits
// to attach to, a session new to the table, and a failure, a drop, a
// question or the end are drawn at once.
func (m *Model) canWait(ev session.StateChanged) bool {
	if m.hasPendingAttach && m.pendingAttach == ev.ID {
		return false
	}
	progress := ev.From == session.Connecting || ev.From == session.Reconnecting
	stage := ev.From == ev.To && progress
	up := ev.To == session.Up && progress
	liveness := ev.From == session.Up && ev.To == session.Stale || ev.From == session.Stale && ev.To == session.Up
	if !stage && !up && !liveness {
		return false
	}
	_, known := m.sessionByID(ev.ID)
	return known
}

func (m *Model) scheduleFlush() tea.Cmd {
	if m.flushScheduled {
		return nil
	}
	m.flushScheduled = true
	return m.sh.after(flushInterval, func(time.Time) tea.Msg { return flushMsg{} })
}

// ensureTimers starts the 1 s tick while a session is live (uptimes,
// countdowns, last contact) and the spinner while one is connecting.
func (m *Model) ensureTimers() []tea.Cmd {
	var cmds []tea.Cmd
	live, busy := false, false
	for _, s := range m.snapshot {
		if !s.State.Terminal() {
			live = true
		}
		if inProgress(s.State) {
			busy = true
		}
	}
	if live && !m.ticking {
		m.ticking = true
		cmds = append(cmds, m.sh.after(time.Second, func(time.Time) tea.Msg { return secondTickMsg{} }))
	}
	if busy && !m.spinning {
		m.spinning = true
		cmds = append(cmds, m.sh.after(spinInterval, func(time.Time) tea.Msg { return spinTickMsg{} }))
	}
	return cmds
}

func (m Model) anyInProgress() bool {
	for _, s := range m.snapshot {
		if inProgress(s.State) {
			return true
		}
	}
	return false
}
