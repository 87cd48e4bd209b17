package main

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/ui"
	"github.com/sshdash/sshdash/ui/screen"
)

const dashboardUsage = `usage: sshdash [-F FILE] [--theme NAME]

Opens the dashboard: your hosts from ~/.ssh/config (and /etc/ssh/ssh_config),
live sessions, previews. Press ? inside for keys.
`

func runDashboard(args []string, e *env) int {
	fs := newFlagSet("", e)
	cfgFile := configFlag(fs)
	theme := themeFlag(fs)
	fs.Usage = func() { fmt.Fprint(fs.Output(), dashboardUsage); fs.PrintDefaults() }
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if !checkTheme(fs, *theme) {
		return 2
	}
	if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "sshdash: unexpected argument %q\n", pos[0])
		fs.Usage()
		return 2
	}
	restoreGC := startupGC()
	a, err := newApp(e, *cfgFile)
	if err != nil {
		restoreGC()
		fmt.Fprintf(e.stderr, "sshdash: %v\n", err)
		return 1
	}
	a.themeFlag = *theme
	a.restoreGC = restoreGC
	return runDashboardWith(a, e, 0)
}

// runDashboardWith runs the dashboard on an app, optionally with a session
// already open (connect's detach). Quitting closes every session.
func runDashboardWith(a *app, e *env, _ int) int {
	defer a.quit.mark("done")
	defer a.quit.after("leftover record settled", a.left.settle) // after the sessions have closed: what they left
	defer a.quit.after("recordings closed", a.closeRecordings)   // after the sessions have closed
	defer a.quit.after("watchers closed", a.closeWatchers)
	defer a.quit.after("sessions closed (onExit)", a.closer().onExit)
	defer a.quit.after("network watcher stopped", a.watchNetwork())
	defer profileOnSignal(e.getenv)()
	// The dashboard draws heartbeat figures at its 1 s tick: delivered
	// more often they only woke it (ui/events.go).
	a.mgr.SetHeartbeatDelivery(time.Second)
	in, out := ttyFiles(e)
	if in == nil {
		fmt.Fprintln(e.stderr, "sshdash: the dashboard needs a terminal; for scripts use sshdash list or sshdash resolve")
		return 1
	}
	b := newBackend(a)
	b.openAtStart()
	defer a.quit.after("start fetch stopped", b.fetchLeftovers()) // only the hosts where shells may be left
	// The dashboard is drawn by ui/screen, when its view changed, not on a
	// renderer's fixed-rate ticker: an idle dashboard is not woken at all.
	scr := screen.New(screen.Options{In: in, Out: out, Logger: a.log})
	b.scr = scr
	opts := ui.Options{
		Backend:   b,
		ThemeName: a.themeName(),
		NoColor:   e.getenv("NO_COLOR") != "",
		Looked:    a.looked(),
		Logger:    a.log,
		Terminal:  scr,
	}
	model := ui.New(opts)
	if a.restoreGC != nil { // the hosts are loaded and laid out
		a.restoreGC()
	}
	if err := scr.Start(); err != nil {
		fmt.Fprintf(e.stderr, "sshdash: %v\n", err)
		return 1
	}
	p := tea.NewProgram(scr.Wrap(&model), append(scr.ProgramOptions(), tea.WithContext(context.Background()))...)
	// The guard leaves the alternate screen after a crash only while the
	// dashboard has it (see resetAfterCrash).
	e.guard.report(guardAlt)
	fm, err := p.Run()
	if cerr := scr.Close(); err == nil {
		err = cerr
	}
	a.quit.mark("dashboard program ended (terminal restored)")
	e.guard.report(guardMain)
	if err != nil {
		fmt.Fprintf(e.stderr, "sshdash: %v\n", err)
		return 1
	}
	if w, ok := fm.(*screen.Model); ok && leftRunning(w.Inner()) {
		a.closer().leaveRunning()
		fmt.Fprintln(e.stderr, "sshdash: the sessions' shells are left running; sshdash connect --resume HOST goes back to one")
	}
	return 0
}

// leftRunning reports whether the user quit leaving the remote shells
// running (the dashboard model's answer).
func leftRunning(m tea.Model) bool {
	um, ok := m.(*ui.Model)
	return ok && um.LeftRunning()
}
