package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sshdash/sshdash/config"
	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/watch"
)

// Built-in values of the settings that are not heartbeat settings (those
// are keepalive.Default).
const (
	DefaultTheme     = "auto"
	DefaultPrefix    = "ctrl+^"
	DefaultStatusBar = false
	DefaultReattach  = "auto"
	// DefaultScrollback is the number of lines of history each session's
	// emulator keeps (the scrollback view, prefix [).
	DefaultScrollback = 10000
	// DefaultDetachedTTL is how long a detached remote session may stay
	// unused before the next connect to its host closes it.
	DefaultDetachedTTL = 7 * 24 * time.Hour
	// MaxScrollback bounds the scrollback setting.
	MaxScrollback = 1000000
)

// Reattach strategies: how a reconnected session gets its old shell back.
// (The session package turns them into its own type.)
const (
	ReattachAuto   = "auto"   // tmux if the host has it, else screen, else none
	ReattachTmux   = "tmux"   // always tmux
	ReattachScreen = "screen" // always screen
	ReattachNone   = "none"   // a fresh shell after every reconnect
)

// CheckReattach reports whether s is a reattach strategy.
func CheckReattach(s string) error {
	switch s {
	case ReattachAuto, ReattachTmux, ReattachScreen, ReattachNone:
		return nil
	}
	return fmt.Errorf("unknown reattach %q (want auto, tmux, screen or none)", s)
}

// Sourced is a setting's value and where it came from (see the Source
// constants).
type Sourced struct {
	Value  string
	Source string
}

// Host is one [[host]] entry, or (with Match empty) the global defaults.
// A zero field is not set, and falls through to the next level.
type Host struct {
	// Match is an ssh_config Host pattern list: space-separated patterns,
	// '*' and '?' wildcards, "!pattern" negation.
	Match    string
	Mode     keepalive.Mode
	Interval time.Duration
	Count    int
	Reattach string // ReattachAuto, ...
	// Record and RecordInput (nil: not set) ask for a session recording
	// of the matching hosts, with the keystrokes too (record.go).
	Record, RecordInput *bool
	// Watch (nil: not set) are the watchers of the matching hosts'
	// sessions (watch.go).
	Watch *watch.Spec
	// Line is where the entry's [[host]] header is (0 for the global
	// defaults). Ignored by SetHost.
	Line int
}

// empty reports whether h sets nothing.
func (h Host) empty() bool {
	return h.Mode == "" && h.Interval == 0 && h.Count == 0 && h.Reattach == "" && h.Record == nil && h.RecordInput == nil && h.Watch == nil
}

// matches reports whether the entry applies to alias.
func (h Host) matches(alias string) bool {
	return matchList(h.Match, alias)
}

// File is sshdash's settings file, parsed. A nil *File is valid and means
// "no settings file": every accessor then returns the built-in value.
// A File is not safe for concurrent modification (SetHost, RemoveHost)
// alongside other use.
type File struct {
	path       string
	text       string // the file as read, edited in place by SetHost/RemoveHost
	theme      string
	prefix     string
	statusBar  *bool
	scrollback *int
	// detachedTTL is detached-ttl: nil unset, 0 off.
	detachedTTL *time.Duration
	notify      watch.Mode // notify: "" unset
	global      Host
	hosts       []Host
	hostPaths   []string   // layout path ("host[3]") of each of hosts
	hostTags    [][]string // tags of each of hosts (lower case, no duplicates)
	errs        []*Error

	// base is the file's content when it was loaded (or last saved), and
	// baseOK whether it existed; Save compares the file on disk with it
	// to notice edits made since (by hand, or by another sshdash).
	base   string
	baseOK bool
	// edits are the SetHost/RemoveHost calls made since then, in order;
	// Save replays them on the file's new content when it changed.
	edits []hostEdit
}

// hostEdit is one SetHost (h set) or RemoveHost (h nil) call.
type hostEdit struct {
	pattern string
	h       *Host
	tags    *[]string // SetHostTags' edit (h is then unused)
}

// Error is one problem in the settings file, with its line.
type Error struct {
	Path string // file name ("" when parsed from memory)
	Line int    // 1-based; 0 when unknown
	Key  string // the key, as "heartbeat.interval" or "host[2].count"
	Err  error
}

// Error formats as "path:line: key: problem".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(":")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:", e.Line)
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying problem.
func (e *Error) Unwrap() error { return e.Err }

// DefaultPath returns $XDG_CONFIG_HOME/sshdash/config.toml, or
// $HOME/.config/sshdash/config.toml when XDG_CONFIG_HOME is unset or not
// absolute (the XDG spec says to ignore a relative one). getenv nil means
// os.Getenv. It returns "" when no home directory is known either; Load("")
// then yields an empty File and Save("") an error.
func DefaultPath(getenv func(string) string) string {
	if getenv == nil {
		getenv = os.Getenv
	}
	if xdg := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(xdg) {
		return filepath.Join(xdg, "sshdash", "config.toml")
	}
	home := getenv("HOME")
	if !filepath.IsAbs(home) {
		h, err := os.UserHomeDir()
		if err != nil || !filepath.IsAbs(h) {
			return ""
		}
		home = h
	}
	return filepath.Join(home, ".config", "sshdash", "config.toml")
}

// Empty returns a File with nothing set: every accessor returns the
// built-in value. (A nil *File behaves the same, except that it cannot be
// edited or saved.)
func Empty() *File { return &File{} }

// Load reads the settings file at path. A missing file (or path "") is not
// an error: it yields an empty File (all built-in values) that Save can
// create.
//
// If the file cannot be read or is not valid TOML, Load returns a nil
// *File and an error (a syntax error is an *Error with its line).
// Unknown keys and invalid values do not fail Load: each is reported in
// File.Errors, as an *Error with its line, and ignored, and the rest of the
// file is used — as config.Load does for ssh_config.
func Load(path string) (*File, error) {
	if path == "" {
		return &File{}, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &File{path: path}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	return Parse(path, data)
}

// Parse parses settings from data; path is used in errors and as Save's
// default destination. Results are as for Load: data is taken to be the
// file's content, so Save merges with whatever the file holds by then.
func Parse(path string, data []byte) (*File, error) {
	f, err := parse(path, string(data))
	if err != nil {
		return nil, err
	}
	f.base, f.baseOK = f.text, true
	return f, nil
}

// Path returns the file the settings were loaded from.
func (f *File) Path() string {
	if f == nil {
		return ""
	}
	return f.path
}

// Errors returns the unknown keys and invalid values that were ignored, in
// file order. Each has the file's name and the line.
func (f *File) Errors() []*Error {
	if f == nil {
		return nil
	}
	return append([]*Error(nil), f.errs...)
}

// Theme returns the palette name: "auto", "dark", "light",
// "high-contrast" or a community palette's name (the themes package
// decides whether it exists).
func (f *File) Theme() string {
	if f == nil || f.theme == "" {
		return DefaultTheme
	}
	return f.theme
}

// Prefix returns the attach-mode prefix key as written, e.g. "ctrl+^".
func (f *File) Prefix() string {
	if f == nil || f.prefix == "" {
		return DefaultPrefix
	}
	return f.prefix
}

// StatusBar reports whether attach mode shows its one-line status bar.
func (f *File) StatusBar() bool {
	if f == nil || f.statusBar == nil {
		return DefaultStatusBar
	}
	return *f.statusBar
}

// Scrollback returns how many lines of history each session keeps.
func (f *File) Scrollback() int {
	if f == nil || f.scrollback == nil {
		return DefaultScrollback
	}
	return *f.scrollback
}

// DetachedTTL returns how long a detached remote session may stay unused
// before sshdash closes it on the next connect to its host; 0 means never.
func (f *File) DetachedTTL() time.Duration {
	if f == nil || f.detachedTTL == nil {
		return DefaultDetachedTTL
	}
	return *f.detachedTTL
}

// Global returns the global defaults ([heartbeat] and the top-level
// reattach); Match is empty and unset fields are zero.
func (f *File) Global() Host {
	if f == nil {
		return Host{}
	}
	return f.global
}

// Hosts returns the [[host]] entries in file order.
func (f *File) Hosts() []Host {
	if f == nil {
		return nil
	}
	return append([]Host(nil), f.hosts...)
}

// Tags returns the tags of every [[host]] entry that matches alias, in
// file order without duplicates (all matching entries count, not only
// the first). f may be nil.
func (f *File) Tags(alias string) []string {
	if f == nil {
		return nil
	}
	var out []string
	for i, h := range f.hosts {
		if len(f.hostTags[i]) > 0 && h.matches(alias) {
			out = config.AddTags(out, f.hostTags[i]...)
		}
	}
	return out
}

// Bytes returns the file's text as Save would write it.
func (f *File) Bytes() []byte {
	if f == nil {
		return nil
	}
	return []byte(f.text)
}
