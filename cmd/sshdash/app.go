package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/sshdash/sshdash/config"
	"github.com/sshdash/sshdash/config/settings"
	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/netwatch"
	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/session/leftover"
	"github.com/sshdash/sshdash/ui/attach"
)

// app is the wiring shared by connect, the dashboard and demo: the
// configuration, sshdash's settings and the session manager.
type app struct {
	e        *env
	cfgPath  string // -F FILE, or "" for the user's and system files
	cfg      *config.Config
	settings *settings.File
	setPath  string
	opener   *session.Opener
	mgr      *session.Manager
	log      *slog.Logger
	warnings []string // configuration and settings problems, "file:line: reason"

	themeFlag string // --theme, overriding the settings file
	// openAtStart are hosts the dashboard opens in the background as it
	// starts (the demo's), in this order.
	openAtStart []string

	closerOnce sync.Once  // creates allCloser
	allCloser  *allCloser // closes every session once, on quit or exit (see closer)
	recs       recordings // session recordings, closed on exit (record.go)
	watches    watchers   // per-session watchers and their alerts (watch.go)
	left       *leftovers // the record of hosts with shells left running (backend_detached_state.go)

	quit *quitTrace // logs the phases of leaving, at debug level

	netWatcher  *netwatch.Watcher // network and suspend watcher (netwatch.go); nil: the OS's
	netMu       sync.Mutex        // guards netWatching
	netWatching bool              // watchNetwork has started the watcher

	// restoreGC, if set, ends the start-up GC pace (startgc.go) once the
	// dashboard's model is built.
	restoreGC func()
}

// newApp loads the ssh configuration and sshdash's settings. Problems in
// either become warnings shown to the user; only an unreadable -F file is
// fatal.
func newApp(e *env, cfgFile string) (*app, error) {
	return newAppWith(e, cfgFile, settings.DefaultPath(e.getenv))
}

// newAppWith is newApp with an explicit settings file (the demo keeps its
// own, so nothing of the user's is written).
func newAppWith(e *env, cfgFile, setPath string) (*app, error) {
	cfg, err := loadConfig(cfgFile, e)
	if err != nil {
		return nil, err
	}
	var warnings []string
	for _, le := range cfg.Errors() {
		warnings = append(warnings, le.Error())
	}
	sf, err := settings.Load(setPath)
	if err != nil {
		warnings = append(warnings, err.Error())
		sf = settings.Empty()
	}
	for _, se := range sf.Errors() {
		warnings = append(warnings, se.Error())
	}
	logger := newLogger(e)
	a := &app{e: e, cfgPath: cfgFile, cfg: cfg, settings: sf, setPath: setPath, log: logger, warnings: warnings, quit: newQuitTrace(logger)}
	a.opener = &session.Opener{Config: cfg, Settings: sf, Getenv: e.getenv, Logger: logger}
	a.mgr = session.NewManager(keepalive.RealClock{}, logger)
	a.left = newLeftovers(leftover.New(leftover.DefaultPath(e.getenv), sf.DetachedTTL(), nil, logger), logger, a.mgr.PendingCleanup)
	return a, nil
}

// newLogger writes sshdash's own log under $XDG_STATE_HOME/sshdash/, mode
// 0600; without a writable state directory it discards.
func newLogger(e *env) *slog.Logger {
	discard := slog.New(slog.DiscardHandler)
	dir := e.getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return discard
		}
		dir = filepath.Join(home, ".local", "state")
	}
	dir = filepath.Join(dir, "sshdash")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return discard
	}
	f, err := openLogFile(filepath.Join(dir, "sshdash.log"))
	if err != nil {
		return discard
	}
	return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: logLevel(e.getenv)}))
}

// prefix is the attach prefix key from the settings file (ctrl+^ by default).
func (a *app) prefix() byte {
	if name := a.settings.Prefix(); name != "" {
		if b, err := attach.ParsePrefix(name); err == nil {
			return b
		}
		a.warnings = append(a.warnings, fmt.Sprintf("%s: prefix %q is not a key sshdash can use; using %s", a.setPath, name, attach.DefaultPrefix))
	}
	b, _ := attach.ParsePrefix(attach.DefaultPrefix)
	return b
}

// themeName is --theme, else the settings file's theme, else auto.
func (a *app) themeName() string {
	if a.themeFlag != "" {
		return a.themeFlag
	}
	return a.settings.Theme()
}

// looked lists the configuration files sshdash read, for the empty state.
func (a *app) looked() []string { return configPlaces(a.cfgPath) }

// openPlan loads the app and resolves one destination for connect and
// probe; warnings go to stderr. On failure it has reported the error and
// returns ssh's exit status for it (255).
func openPlan(e *env, cfgFile, dest string) (*app, *session.Plan, int) {
	a, err := newApp(e, cfgFile)
	if err != nil {
		fmt.Fprintf(e.stderr, "sshdash: %v\n", err)
		return nil, nil, 255
	}
	for _, w := range a.warnings {
		fmt.Fprintf(e.stderr, "sshdash: warning: %s\n", w)
	}
	p, err := a.opener.Plan(dest)
	if err != nil {
		fmt.Fprintf(e.stderr, "sshdash: %v\n", err)
		return nil, nil, 255
	}
	return a, p, 0
}
