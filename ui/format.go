package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/themes"
)

// stateIcon is the icon of a state (see session.State.Icon).
func stateIcon(s session.State) string { return s.Icon() }

// stateStyle is the style of a state's icon and word.
func stateStyle(st *themes.Styles, s session.State) lipgloss.Style {
	switch s {
	case session.Up:
		return st.StateUp
	case session.Stale:
		return st.StateStale
	case session.Dropped:
		return st.StateDown
	case session.Reconnecting:
		return st.StateReconnect
	case session.Failed:
		return st.StateFailed
	case session.NeedsYou:
		return st.StateNeedsYou
	case session.Closed:
		return st.StateClosed
	default:
		return st.StateBusy
	}
}

// inProgress reports whether a state shows a spinner.
func inProgress(s session.State) bool {
	return s == session.Resolving || s == session.Connecting || s == session.Reconnecting
}

// stateText is the icon, the word and the detail of a session's state, e.g.
// "↻ reconnecting #3 in 4s" or "⚠ failed: authentication refused". spin is
// the spinner frame shown while the session is in progress.
func stateText(s session.Status, now time.Time, spin string) string {
	var b strings.Builder
	b.WriteString(stateIcon(s.State))
	b.WriteByte(' ')
	b.WriteString(s.State.String())
	switch s.State {
	case session.Connecting:
		if s.Stage != "" {
			b.WriteByte(' ')
			b.WriteString(string(s.Stage))
		}
	case session.Reconnecting:
		if s.Attempt > 0 {
			fmt.Fprintf(&b, " #%d", s.Attempt)
		}
		if !s.NextAttempt.IsZero() && s.NextAttempt.After(now) {
			b.WriteString(" in ")
			b.WriteString(countdown(s.NextAttempt.Sub(now)))
			spin = ""
		} else if s.Stage != "" {
			// The stage shows the progress; no spinner, so that
			// "reconnecting #12 handshake" fits the state column.
			b.WriteByte(' ')
			b.WriteString(string(s.Stage))
			spin = ""
		}
	case session.Dropped, session.Failed:
		if c := dropCauseText(s); c != "" && s.State == session.Dropped {
			b.WriteString(": ")
			b.WriteString(c)
		} else if s.Cause != nil {
			b.WriteString(": ")
			b.WriteString(shortCause(s.Cause))
		}
	case session.Closed:
		if s.ExitStatus != 0 {
			fmt.Fprintf(&b, " (exit %d)", s.ExitStatus)
		}
	}
	if inProgress(s.State) && spin != "" {
		b.WriteByte(' ')
		b.WriteString(spin)
	}
	return b.String()
}

// oneLine collapses whitespace so an error message fits a table cell.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// countdown renders a time to wait, rounded up to whole seconds: "4s", "1m05s".
func countdown(d time.Duration) string {
	secs := int((d + time.Second - 1) / time.Second)
	if secs < 60 {
		return fmt.Sprintf("%ds", secs)
	}
	return fmt.Sprintf("%dm%02ds", secs/60, secs%60)
}

// since renders an elapsed time compactly: "12s", "3m05s", "1h02m", "2d03h".
func since(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	secs := int(d / time.Second)
	switch {
	case secs < 60:
		return fmt.Sprintf("%ds", secs)
	case secs < 3600:
		return fmt.Sprintf("%dm%02ds", secs/60, secs%60)
	case secs < 86400:
		return fmt.Sprintf("%dh%02dm", secs/3600, secs%3600/60)
	}
	return fmt.Sprintf("%dd%02dh", secs/86400, secs%86400/3600)
}

// rtt renders a round trip: "850µs", "12ms", "1.2s"; "—" when unknown.
func rtt(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d/time.Microsecond)
	case d < 10*time.Second:
		if d < time.Second {
			return fmt.Sprintf("%dms", (d+time.Millisecond/2)/time.Millisecond)
		}
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return fmt.Sprintf("%ds", d/time.Second)
}

// bytesize renders a byte count: "512B", "3.4K", "12M", "1.1G".
func bytesize(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%dB", n)
	}
	v := float64(n)
	suffix := "KMGTPE"
	i := -1
	for v >= unit && i < len(suffix)-1 {
		v /= unit
		i++
	}
	if v < 10 {
		return fmt.Sprintf("%.1f%c", v, suffix[i])
	}
	return fmt.Sprintf("%.0f%c", v, suffix[i])
}

// sparkBars are the eight levels of a sparkline, lowest first; each is
// three bytes of UTF-8.
const sparkBars = "▁▂▃▄▅▆▇█"

// sparkline renders the last width samples as bars scaled between the
// smallest and the largest of them (all equal: a flat middle line). Missing
// samples (fewer than width) are left blank on the left.
func sparkline(samples []time.Duration, width int) string {
	if width <= 0 {
		return ""
	}
	if len(samples) > width {
		samples = samples[len(samples)-width:]
	}
	var b strings.Builder
	b.Grow(width * 3)
	for i := len(samples); i < width; i++ {
		b.WriteByte(' ')
	}
	if len(samples) == 0 {
		return b.String()
	}
	lo, hi := samples[0], samples[0]
	for _, s := range samples {
		lo, hi = min(lo, s), max(hi, s)
	}
	for _, s := range samples {
		level := 3
		if hi > lo {
			level = int(int64(s-lo) * 7 / int64(hi-lo))
		}
		b.WriteString(sparkBars[level*3 : level*3+3])
	}
	return b.String()
}

// fit pads or truncates s (which may hold ANSI sequences) to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw == w {
		return s
	}
	if sw < w {
		return s + strings.Repeat(" ", w-sw)
	}
	return ansi.Truncate(s, w, "…")
}

// fitRight right-aligns s in w cells (truncating if needed).
func fitRight(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw >= w {
		return fit(s, w)
	}
	return strings.Repeat(" ", w-sw) + s
}

// clamp limits v to [lo, hi].
func clamp(v, lo, hi int) int {
	if hi < lo {
		hi = lo
	}
	return max(lo, min(v, hi))
}

// ansiTruncate cuts s (which may hold ANSI sequences) to w cells, marking
// the cut with an ellipsis.
func ansiTruncate(s string, w int) string { return ansi.Truncate(s, w, "…") }

// ansiWidth is the width of s in cells, ignoring ANSI sequences.
func ansiWidth(s string) int { return ansi.StringWidth(s) }
