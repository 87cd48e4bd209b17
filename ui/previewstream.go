package ui

import (
	"slices"

	tea "charm.land/bubbletea/v2"
)

// The preview of a streaming session.
//
// Output of the session in the preview schedules a flush, so that a
// shell's output shows within flushInterval. A session that streams
// (`cat` of a big file, `yes`, a build log) would have its screen read
// and the preview redrawn four times a second; reading it makes the
// emulator catch up with everything the stream deferred (session/vt's
// lazy.go), at least the scrollback's 10,000 lines each time. So once
// output has scheduled streamFlushes flushes in a row (a second of it),
// further output waits for the 1 s tick instead; the first tick that
// finds no output since the one before ends the streak. A flush that
// finds the preview's lines unchanged draws nothing.

// streamFlushes is how many output flushes in a row make a session
// streaming.
const streamFlushes = 4

// previewStream tracks output of the session in the preview. It is part
// of the Model (a value, touched only by Update).
type previewStream struct {
	id      int  // the session the streak is for
	streak  int  // flushes scheduled for its output in a row
	outSeen bool // output arrived since the last 1 s tick
}

// previewOutput handles output of session id, which is in the preview.
func (m *Model) previewOutput(id int) tea.Cmd {
	ps := &m.stream
	if ps.id != id {
		*ps = previewStream{id: id}
	}
	ps.outSeen = true
	m.previewDirty = true
	if ps.streak >= streamFlushes {
		return nil // the 1 s tick reads it (needRefresh is set)
	}
	if m.flushScheduled {
		return nil
	}
	ps.streak++
	return m.scheduleFlush()
}

// streamTick is called on the 1 s tick: no output since the last one ends
// the streak.
func (m *Model) streamTick() {
	if !m.stream.outSeen {
		m.stream.streak = 0
	}
	m.stream.outSeen = false
}

// flushPreview re-reads the preview for a flush and reports whether what
// it shows changed.
func (m *Model) flushPreview() bool {
	before, id, had := m.preview.lines, m.preview.s.ID, m.preview.has
	m.refreshPreview()
	return !had || !m.preview.has || m.preview.s.ID != id || !slices.Equal(before, m.preview.lines)
}
