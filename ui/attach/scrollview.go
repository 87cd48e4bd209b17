package attach

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// HistorySession is implemented by sessions whose history (scrollback and
// screen) can be read: *session.Session does. The scrollback view (prefix
// [) needs it.
type HistorySession interface {
	// History returns up to n lines of history from line from, cols
	// cells wide and styled, and the history's length.
	History(from, n, cols int) (lines []string, total int)
	// HistoryText returns the whole history as plain text, for search.
	HistoryText() []string
	// SyncHistory brings in history the emulator could not see (the
	// remote tmux pane's); an error leaves the emulator's own.
	SyncHistory(ctx context.Context) error
}

// historySync bounds the wait for the remote history when the view opens.
const historySync = 3 * time.Second

// scrollView is the scrollback view's state. While it is open the
// session's output goes on into its emulator but not to the terminal; on
// leaving, the screen is redrawn from the emulator.
type scrollView struct {
	h      HistorySession
	top    int    // first history line shown
	total  int    // history length when last drawn
	search []byte // the search being typed after '/', nil when not typing
	last   string // the last search pattern
	match  int    // the line of the current match, -1: none
	msg    string // a one-off message for the status line
}

// openScroll stops live output and opens the scrollback view at the
// bottom of the history (the screen as it is).
func (a *attached) openScroll() {
	h, ok := a.s.(HistorySession)
	if !ok {
		return
	}
	a.stop()
	a.stop = func() {}
	// Fetching the remote history takes a round trip or more: say so.
	_, _ = io.WriteString(a.o.Out, "\x18"+bottomLine(a.cols, a.rows, " scrollback: fetching the session's history…", true))
	ctx, cancel := context.WithTimeout(context.Background(), historySync)
	err := h.SyncHistory(ctx)
	cancel()
	v := &scrollView{h: h, match: -1}
	if err != nil && !isNoTmuxHistory(err) {
		v.msg = "remote history not fetched: " + err.Error()
	}
	_, v.total = h.History(0, 1, 1)
	v.top = max(0, v.total-a.viewHeight())
	a.view = v
	a.drawView()
}

// isNoTmuxHistory matches session.IsNoTmuxHistory without asking every
// HistorySession implementation to use the session package's error.
func isNoTmuxHistory(err error) bool {
	return strings.Contains(err.Error(), "no tmux history")
}

// viewHeight is the number of history lines the view shows: all rows but
// its status line.
func (a *attached) viewHeight() int { return max(1, a.rows-1) }

// closeScroll leaves the view and redraws the live screen.
func (a *attached) closeScroll() {
	a.view = nil
	a.redraw()
}

// drawView draws the history window and the status line.
func (a *attached) drawView() {
	v := a.view
	hgt := a.viewHeight()
	lines, total := v.h.History(v.top, hgt, a.cols)
	v.total = total
	var b strings.Builder
	// Cancel any half-written remote sequence, then a sane state.
	b.WriteString("\x18\x1b[0m\x1b[?25l\x1b[r\x1b[?6l\x1b[?7l")
	for i := range hgt {
		fmt.Fprintf(&b, "\x1b[%d;1H", i+1)
		switch {
		case i >= len(lines):
			b.WriteString("\x1b[2K")
		case v.top+i == v.match:
			// The match: the line in reverse video, plain.
			b.WriteString("\x1b[7m" + ansi.Strip(lines[i]) + "\x1b[0m")
		default:
			b.WriteString(lines[i])
		}
	}
	b.WriteString("\x1b[?7h")
	b.WriteString(bottomLine(a.cols, a.rows, a.viewStatus(), false))
	_, _ = io.WriteString(a.o.Out, b.String())
}

// viewStatus is the view's bottom line: where we are, the keys, and the
// search being typed or the last message.
func (a *attached) viewStatus() string {
	v := a.view
	if v.search != nil {
		return " search up: /" + string(v.search) + "▏ (enter: find, esc: cancel)"
	}
	end := min(v.total, v.top+a.viewHeight())
	pos := fmt.Sprintf(" scrollback %d–%d of %d", min(v.top+1, end), end, v.total)
	if v.msg != "" {
		return pos + " │ " + v.msg
	}
	return pos + " │ ↑↓ jk pgup/pgdn g/G move │ / search, n/N next/prev │ q esc back "
}

// scrollKeys handles one read of keys while the view is open.
func (a *attached) scrollKeys(p []byte) {
	v := a.view
	hgt := a.viewHeight()
	for len(p) > 0 {
		if v.search != nil {
			p = a.searchKey(p)
			if a.view == nil {
				return
			}
			continue
		}
		v.msg = ""
		k, n := nextKey(p)
		p = p[n:]
		switch k {
		case "q", "esc", "ctrl+c":
			a.closeScroll()
			return
		case "up", "k", "ctrl+p", "ctrl+y":
			v.top--
		case "down", "j", "ctrl+n", "ctrl+e", "enter":
			v.top++
		case "pgup", "b", "ctrl+b":
			v.top -= hgt
		case "pgdown", " ", "f", "ctrl+f":
			v.top += hgt
		case "ctrl+u":
			v.top -= hgt / 2
		case "ctrl+d":
			v.top += hgt / 2
		case "g", "home":
			v.top = 0
		case "G", "end":
			v.top = v.total
		case "/":
			v.search = []byte{}
		case "n":
			a.find(v.last, -1)
		case "N":
			a.find(v.last, +1)
		}
		v.top = min(max(v.top, 0), max(0, v.total-hgt))
	}
	a.drawView()
}

// searchKey handles keys while a search pattern is typed; it returns the
// keys left after it.
func (a *attached) searchKey(p []byte) []byte {
	v := a.view
	k, n := nextKey(p)
	switch {
	case k == "esc" || k == "ctrl+c":
		v.search = nil
	case k == "enter":
		pat := string(v.search)
		v.search = nil
		if pat != "" {
			v.last = pat
		}
		a.find(v.last, -1)
	case k == "backspace":
		if r := []rune(string(v.search)); len(r) > 0 {
			v.search = []byte(string(r[:len(r)-1]))
		}
	case len(k) > 0 && k[0] >= ' ' && (len(k) == 1 || k[0] >= 0x80):
		v.search = append(v.search, k...)
	}
	return p[n:]
}

// find moves to the next line containing pat, upwards (dir -1, older) or
// downwards (+1) from the current match or the window, and puts it a
// third of the way down the window. Case is ignored unless pat has
// capitals (smart case, as in less -i and vim's smartcase).
func (a *attached) find(pat string, dir int) {
	v := a.view
	if pat == "" {
		v.msg = "no search yet: / to search"
		return
	}
	fold := pat == strings.ToLower(pat)
	lines := v.h.HistoryText()
	v.total = len(lines)
	from := v.match
	if from < 0 || from < v.top || from >= v.top+a.viewHeight() {
		from = v.top + a.viewHeight() // search up from the bottom of the window
		if dir > 0 {
			from = v.top - 1
		}
	}
	for i := from + dir; i >= 0 && i < len(lines); i += dir {
		l := lines[i]
		if fold {
			l = strings.ToLower(l)
		}
		if strings.Contains(l, pat) {
			v.match = i
			v.top = i - a.viewHeight()/3
			return
		}
	}
	v.msg = fmt.Sprintf("%q not found", pat)
}

// nextKey names the first key in p (a printable character as itself,
// control keys and arrows by name, an escape sequence it does not know as
// "?") and returns its length.
func nextKey(p []byte) (string, int) {
	c := p[0]
	switch {
	case c == 0x1b:
		if len(p) == 1 {
			return "esc", 1
		}
		if len(p) >= 3 && (p[1] == '[' || p[1] == 'O') {
			// CSI or SS3: parameters, then a final byte.
			i := 2
			for i < len(p) && p[i] >= 0x20 && p[i] < 0x40 {
				i++
			}
			if i == len(p) {
				return "?", len(p)
			}
			seq := string(p[2:i])
			name := "?"
			switch p[i] {
			case 'A':
				name = "up"
			case 'B':
				name = "down"
			case 'H':
				name = "home"
			case 'F':
				name = "end"
			case '~':
				switch seq {
				case "5":
					name = "pgup"
				case "6":
					name = "pgdown"
				case "1", "7":
					name = "home"
				case "4", "8":
					name = "end"
				}
			}
			return name, i + 1
		}
		return "esc", 1
	case c == '\r' || c == '\n':
		return "enter", 1
	case c == 0x7f || c == 0x08:
		return "backspace", 1
	case c < 0x20:
		return "ctrl+" + string(rune('a'+c-1)), 1
	case c < 0x80:
		return string(c), 1
	}
	// A UTF-8 character.
	n := 1
	for n < len(p) && n < 4 && p[n]&0xc0 == 0x80 {
		n++
	}
	return string(p[:n]), n
}
