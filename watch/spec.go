package watch

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Spec is the set of watchers of one session. The zero Spec watches
// nothing.
type Spec struct {
	Drop bool // the link dropped (a session that was up went down)
	Back bool // the link came back up after a drop
	Fail bool // the session failed for good (will not be retried)
	Exit bool // the remote command exited (with its status)
	// Silence, when positive, fires once when the session has printed
	// nothing for this long after printing something; the next output
	// arms it again.
	Silence time.Duration
	// Match, when set, fires for each complete line of output it matches
	// (escape sequences removed), rate-limited (see Watcher).
	Match *regexp.Regexp
}

// Bounds of the silence watcher.
const (
	MinSilence = time.Second
	MaxSilence = 24 * time.Hour
)

// Empty reports whether s watches nothing.
func (s Spec) Empty() bool {
	return !s.Drop && !s.Back && !s.Fail && !s.Exit && s.Silence <= 0 && s.Match == nil
}

// Items is s in the form Parse reads, in a fixed order: drop, back, fail,
// exit, silence=D, match=RE.
func (s Spec) Items() []string {
	var out []string
	for _, f := range []struct {
		on   bool
		name string
	}{{s.Drop, "drop"}, {s.Back, "back"}, {s.Fail, "fail"}, {s.Exit, "exit"}} {
		if f.on {
			out = append(out, f.name)
		}
	}
	if s.Silence > 0 {
		out = append(out, "silence="+s.Silence.String())
	}
	if s.Match != nil {
		out = append(out, "match="+s.Match.String())
	}
	return out
}

// String is Items joined by ", ", or "none".
func (s Spec) String() string {
	if s.Empty() {
		return "none"
	}
	return strings.Join(s.Items(), ", ")
}

// Equal reports whether s and t watch the same things.
func (s Spec) Equal(t Spec) bool {
	return strings.Join(s.Items(), "\x00") == strings.Join(t.Items(), "\x00")
}

// Parse reads a list of watcher items: "drop", "back", "fail", "exit",
// "silence=DURATION" (a Go duration such as 30s or 5m, at least 1s) and
// "match=REGEXP" (Go regexp syntax, matched against each line). An item
// may appear once. The error names the item that is wrong and why.
func Parse(items []string) (Spec, error) {
	var s Spec
	seen := map[string]bool{}
	for _, raw := range items {
		it := strings.TrimSpace(raw)
		name, val, hasVal := strings.Cut(it, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if seen[name] {
			return Spec{}, fmt.Errorf("watcher %q is given twice", name)
		}
		seen[name] = true
		switch name {
		case "drop", "back", "fail", "exit":
			if hasVal {
				return Spec{}, fmt.Errorf("watcher %q takes no value (write %q)", it, name)
			}
			switch name {
			case "drop":
				s.Drop = true
			case "back":
				s.Back = true
			case "fail":
				s.Fail = true
			case "exit":
				s.Exit = true
			}
		case "silence":
			d, err := time.ParseDuration(strings.TrimSpace(val))
			if !hasVal || err != nil {
				return Spec{}, fmt.Errorf("watcher %q: want silence=DURATION, e.g. silence=30s", it)
			}
			if d < MinSilence || d > MaxSilence {
				return Spec{}, fmt.Errorf("watcher %q: the silence must be from %s to %s", it, MinSilence, MaxSilence)
			}
			s.Silence = d
		case "match":
			if !hasVal || val == "" {
				return Spec{}, fmt.Errorf("watcher %q: want match=REGEXP, e.g. match=ERROR|panic", it)
			}
			re, err := regexp.Compile(val)
			if err != nil {
				return Spec{}, fmt.Errorf("watcher %q: invalid regular expression: %w", it, err)
			}
			s.Match = re
		case "":
			return Spec{}, fmt.Errorf("empty watcher item (want drop, back, fail, exit, silence=DURATION or match=REGEXP)")
		default:
			return Spec{}, fmt.Errorf("unknown watcher %q (want drop, back, fail, exit, silence=DURATION or match=REGEXP)", it)
		}
	}
	return s, nil
}
