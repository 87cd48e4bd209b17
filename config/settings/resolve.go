package settings

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/sshdash/sshdash/config"
	"github.com/sshdash/sshdash/keepalive"
)

// Where an effective value came from, for the UI ("probe 5s×4 — from
// settings file host db-*").
const (
	SourceHostPrefix  = "settings file host "              // + the entry's match
	SourceSSHInterval = "ssh_config ServerAliveInterval"   // interval
	SourceSSHOff      = "ssh_config ServerAliveInterval 0" // mode off
	SourceSSHCount    = "ssh_config ServerAliveCountMax"   // count
	SourceFileDefault = "settings default"                 // [heartbeat] or top-level reattach
	SourceBuiltin     = "built-in"                         // keepalive.Default, DefaultReattach
)

// Effective is the heartbeat configuration for one host and where each
// field came from.
type Effective struct {
	keepalive.Settings
	ModeSource     string
	IntervalSource string
	CountSource    string
}

// Source summarizes where the settings came from: one source when all
// fields share it ("settings file host db-*"), else each distinct source
// once, highest level first, joined with " + ".
func (e Effective) Source() string {
	var srcs []string
	for _, s := range []string{e.ModeSource, e.IntervalSource, e.CountSource} {
		if s != "" && !slices.Contains(srcs, s) {
			srcs = append(srcs, s)
		}
	}
	slices.SortStableFunc(srcs, func(a, b string) int { return sourceRank(a) - sourceRank(b) })
	return strings.Join(srcs, " + ")
}

// sourceRank orders sources by precedence level.
func sourceRank(s string) int {
	switch {
	case strings.HasPrefix(s, SourceHostPrefix):
		return 0
	case strings.HasPrefix(s, "ssh_config"):
		return 1
	case s == SourceFileDefault:
		return 2
	}
	return 3
}

// Heartbeat returns the heartbeat settings for the host alias. Each field
// (mode, interval, count) is taken from the first level that sets it,
// highest first:
//
//  1. the settings file's [[host]] entries that match alias — per field,
//     the first matching entry that sets it wins, as ssh_config's
//     first-obtained-wins;
//  2. ssh_config's ServerAliveInterval / ServerAliveCountMax, when set
//     explicitly for the host (intervalSet, countSet: ssh -G prints
//     defaults too, and those must not count; a count below 1 is
//     ignored). A positive ServerAliveInterval sets the interval only, so
//     a mode from a lower level (e.g. a global mode = "noop") still
//     applies. ServerAliveInterval 0 means off: it sets the mode to off,
//     unless a matching [[host]] entry sets the mode or the interval;
//  3. the settings file's [heartbeat] table;
//  4. the built-in default: probe, 15 s, 3.
//
// f may be nil (no settings file).
func (f *File) Heartbeat(alias string, sshInterval time.Duration, intervalSet bool, sshCount int, countSet bool) Effective {
	def := keepalive.Default()
	e := Effective{
		Settings:   def,
		ModeSource: SourceBuiltin, IntervalSource: SourceBuiltin, CountSource: SourceBuiltin,
	}
	hosts, global := f.Hosts(), f.Global()

	// Lowest first, so each higher level overwrites.
	if global.Mode != "" {
		e.Mode, e.ModeSource = global.Mode, SourceFileDefault
	}
	if global.Interval > 0 {
		e.Interval, e.IntervalSource = global.Interval, SourceFileDefault
	}
	if global.Count > 0 {
		e.Count, e.CountSource = global.Count, SourceFileDefault
	}

	if intervalSet && sshInterval > 0 {
		e.Interval, e.IntervalSource = sshInterval, SourceSSHInterval
	}
	if countSet && sshCount >= 1 {
		e.Count, e.CountSource = sshCount, SourceSSHCount
	}

	mode, modeFrom := first(hosts, alias, func(h Host) bool { return h.Mode != "" })
	interval, intervalFrom := first(hosts, alias, func(h Host) bool { return h.Interval > 0 })
	count, countFrom := first(hosts, alias, func(h Host) bool { return h.Count > 0 })

	if intervalSet && sshInterval <= 0 && !modeFrom && !intervalFrom {
		e.Mode, e.ModeSource = keepalive.ModeOff, SourceSSHOff
	}
	if modeFrom {
		e.Mode, e.ModeSource = mode.Mode, hostSource(mode)
	}
	if intervalFrom {
		e.Interval, e.IntervalSource = interval.Interval, hostSource(interval)
	}
	if countFrom {
		e.Count, e.CountSource = count.Count, hostSource(count)
	}
	return e
}

// Reattach returns the reattach strategy for alias and where it came from:
// the first matching [[host]] entry that sets it, else the file's global
// reattach, else auto. f may be nil.
func (f *File) Reattach(alias string) Sourced {
	if h, ok := first(f.Hosts(), alias, func(h Host) bool { return h.Reattach != "" }); ok {
		return Sourced{Value: h.Reattach, Source: hostSource(h)}
	}
	if r := f.Global().Reattach; r != "" {
		return Sourced{Value: r, Source: SourceFileDefault}
	}
	return Sourced{Value: DefaultReattach, Source: SourceBuiltin}
}

// Host returns the first [[host]] entry whose match is exactly pattern
// (compared with whitespace normalized), as the settings form edits it.
func (f *File) Host(pattern string) (Host, bool) {
	pattern = normalizeMatch(pattern)
	for _, h := range f.Hosts() {
		if h.Match == pattern {
			return h, true
		}
	}
	return Host{}, false
}

// first returns the first entry matching alias for which has is true.
func first(hosts []Host, alias string, has func(Host) bool) (Host, bool) {
	for _, h := range hosts {
		if has(h) && h.matches(alias) {
			return h, true
		}
	}
	return Host{}, false
}

func hostSource(h Host) string { return SourceHostPrefix + h.Match }

// matchList matches alias against a space-separated pattern list.
func matchList(match, alias string) bool {
	return config.MatchPatternList(strings.Fields(match), alias)
}

// normalizeMatch collapses the whitespace in a pattern list.
func normalizeMatch(s string) string { return strings.Join(strings.Fields(s), " ") }

// checkMatch rejects pattern lists that can never match anything.
func checkMatch(s string) error {
	pats := strings.Fields(strings.ReplaceAll(s, ",", " "))
	if len(pats) == 0 {
		return errors.New("empty match (write e.g. match = \"db-*\")")
	}
	for _, p := range pats {
		if !strings.HasPrefix(p, "!") {
			return nil
		}
	}
	return errors.New("match " + quote(s) + " has only negated patterns, so it never matches (add a positive one, e.g. \"* !db-legacy\")")
}
