package vt

// DefaultScrollback is the number of lines of scrollback a Screen keeps
// unless WithScrollback says otherwise.
const DefaultScrollback = 10000

// scrollback is a bounded ring of lines that scrolled off the top of the
// main screen, oldest first. Lines are stored trimmed of trailing default
// blanks, so short lines cost little whatever the screen width.
type scrollback struct {
	lines []line // ring storage; grows up to max
	start int    // index of the oldest line once the ring is full
	max   int
}

func (sb *scrollback) len() int { return len(sb.lines) }

// at returns the i-th line, oldest first.
func (sb *scrollback) at(i int) *line {
	return &sb.lines[(sb.start+i)%len(sb.lines)]
}

// push stores a copy of l (trimmed).
func (sb *scrollback) push(l *line) {
	if sb.max <= 0 {
		return
	}
	end := len(l.cells)
	for end > 0 && l.cells[end-1].isDefaultBlank() {
		end--
	}
	if len(sb.lines) < sb.max {
		sb.lines = append(sb.lines, line{})
	} else {
		sb.start = (sb.start + 1) % len(sb.lines)
	}
	// Reuse the storage of the line being evicted when it is big enough;
	// round allocations up so that it usually is.
	dst := sb.at(sb.len() - 1)
	if cap(dst.cells) < end {
		dst.cells = make([]cell, end, (end+15)&^15)
	}
	dst.cells = dst.cells[:end]
	copy(dst.cells, l.cells[:end])
	dst.wrapped = l.wrapped
}

func (sb *scrollback) clear() {
	sb.lines = nil
	sb.start = 0
}
