package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"golang.org/x/term"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/ui/attach"
)

const connectUsage = `usage: sshdash connect [-F FILE] [-N] [--retry] [--status-bar] [--resume[=NAME]] [--record FILE] [--watch ITEM]... HOST

Opens a session to HOST (an alias from your ssh config, or [user@]host[:port])
and attaches your terminal to it. Press ctrl+^ then ? for sshdash's keys;
ctrl+^ d detaches to the dashboard. Exits with the remote shell's status.

Like ssh, it exits with status 255 when the first connection cannot be made;
a link that was up is reconnected after a drop. With -N or --retry the first
connection is retried too, with backoff, until it comes up.

The shell outlives sshdash: killing it or closing its terminal leaves the
shell running on HOST, detached. "sshdash sessions HOST" lists those;
--resume attaches to the most recently used detached one instead of starting
a new shell, --resume NAME (or --resume=NAME) to the one named.
`

func runConnect(args []string, e *env) int {
	fs := newFlagSet("connect", e)
	cfgFile := configFlag(fs)
	tunnelOnly := fs.BoolP("no-shell", "N", false, "tunnels only: no shell (like ssh -N)")
	retry := fs.Bool("retry", false, "keep trying the first connection until it comes up (always on with -N)")
	statusBar := fs.Bool("status-bar", false, "reserve the bottom line for sshdash's status bar")
	resume := fs.String("resume", "", "attach to a detached session on HOST (`NAME`, or the latest) instead of a new shell")
	fs.Lookup("resume").NoOptDefVal = resumeLatest
	recordTo := fs.String("record", "", "record the session to `FILE` (asciicast v2, as record = true in the settings)")
	watchItems := fs.StringArray("watch", nil, "watch the session: `ITEM` is drop, back, fail, exit, silence=30s or match=REGEXP (repeatable; replaces the settings' watch list)")
	fs.Usage = func() { fmt.Fprint(fs.Output(), connectUsage); fs.PrintDefaults() }
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	pos, ok := resumeArgs(fs.Changed("resume"), resume, pos)
	if !ok || len(pos) != 1 || (*resume != "" && *tunnelOnly) {
		fs.Usage()
		return 2
	}
	a, p, code := openPlan(e, *cfgFile, pos[0])
	if a == nil {
		return code
	}
	defer a.left.settle()     // after the sessions have closed: what they left
	defer a.closeRecordings() // after the sessions have closed
	defer a.closeWatchers()
	defer a.closer().onExit()
	defer a.watchNetwork()()
	in, out := ttyFiles(e)
	cols, rows := 80, 24
	if in != nil {
		if c, r, err := term.GetSize(int(in.Fd())); err == nil {
			cols, rows = c, r
		}
	}
	if *statusBar {
		rows--
	}
	opts := a.opener.Options(p, *tunnelOnly, cols, rows)
	// -N replaces autossh at boot, when the network may not be up yet.
	opts.RetryFirst = *tunnelOnly || *retry
	if *resume != "" {
		name, code := pickResume(a, p, e, *resume, opts.Secrets)
		if name == "" {
			return code
		}
		opts.ResumeName = name
	}
	var others chan []session.RemoteSession
	if !*tunnelOnly && *resume == "" {
		others = make(chan []session.RemoteSession, 1)
		opts.OnRemoteSessions = func(l []session.RemoteSession) { others <- l } // called once
	}
	bind := a.left.track(&opts, p.Alias)
	if err := a.startRecording(&opts, p.Alias, *recordTo); err != nil {
		fmt.Fprintf(e.stderr, "sshdash: %v\n", err)
		return 255
	}
	sw, err := a.startWatching(&opts, p.Alias, *watchItems)
	if err != nil {
		fmt.Fprintf(e.stderr, "sshdash: %v\n", err)
		return 2
	}
	stopBanners := bannersUntilUp(&opts, e.stderr)
	s := a.mgr.Open(opts)
	bind(s)
	a.watching(sw, s)
	if *tunnelOnly {
		return waitTunnels(a, s, e)
	}
	if in == nil {
		fmt.Fprintln(e.stderr, "sshdash: connect needs a terminal (stdin and stdout must be a tty)")
		return 255
	}
	if code, ok := waitUp(a, s, e, in); !ok {
		return code
	}
	stopBanners()
	var notice string
	var noticeLater <-chan string
	if others != nil {
		notice, noticeLater = sayDetached(e, p.Alias, others, s.Done())
	}
	for {
		ao := attach.Options{In: in, Out: out, StatusBar: *statusBar, Alias: p.Alias, Prefix: a.prefix(), PrefixSet: true, Notice: notice, NoticeLater: noticeLater}
		release := a.alertsWhileAttached(&ao)
		var res attach.Result
		var err error
		if s.NoTerminal() {
			// RequestTTY no: as ssh -T, the terminal stays cooked.
			res, err = attach.RunCooked(context.Background(), s, ao)
		} else {
			res, err = runAttach(context.Background(), e.getenv, s, ao)
		}
		release()
		if err != nil {
			fmt.Fprintf(e.stderr, "sshdash: %v\n", err)
			return 255
		}
		switch res.Action {
		case attach.Ended:
			st := s.Status()
			if st.State == session.Failed {
				fmt.Fprintf(e.stderr, "sshdash: %s\n", sshStyleMessage(st.Cause))
			}
			return exitCode(st)
		case attach.Close:
			s.Close()
			// sshdash ends here, so no later connection will end what
			// the close could not (the link was down): say so.
			for _, left := range a.mgr.PendingCleanup() {
				fmt.Fprintf(e.stderr, "sshdash: closed while the link was down: the remote session is left running on %s\n", left)
			}
			return 0
		default:
			// Detach (or switching, with one session): the dashboard takes
			// over with this session listed; quitting it ends sshdash.
			return runDashboardWith(a, e, s.ID())
		}
	}
}

// exitCode is connect's exit status: the remote shell's, or 255 when the
// session failed, as ssh does.
func exitCode(st session.Status) int {
	if st.State == session.Closed && st.Cause == nil {
		return st.ExitStatus
	}
	if st.State == session.Closed && errors.Is(st.Cause, context.Canceled) {
		return st.ExitStatus
	}
	if st.State == session.Failed {
		return 255
	}
	return st.ExitStatus
}

// ttyFiles returns the terminal when stdin and stdout are one.
func ttyFiles(e *env) (in, out *os.File) {
	fi, ok1 := e.stdin.(*os.File)
	fo, ok2 := e.stdout.(*os.File)
	if !ok1 || !ok2 || !term.IsTerminal(int(fi.Fd())) || !term.IsTerminal(int(fo.Fd())) {
		return nil, nil
	}
	return fi, fo
}

// waitUp follows the session until it is up, answering prompts in the
// terminal as ssh does. It returns ok=false with an exit code when the
// session failed or ended first.
func waitUp(a *app, s *session.Session, e *env, in *os.File) (int, bool) {
	for {
		select {
		case ev := <-a.mgr.Events():
			switch ev := ev.(type) {
			case session.PromptRequested:
				answerInTerminal(ev.Prompt, e, in)
			case session.StateChanged:
				switch ev.To {
				case session.Up:
					return 0, true
				case session.Failed:
					fmt.Fprintf(e.stderr, "sshdash: %s\n", sshStyleMessage(ev.Cause))
					return 255, false
				case session.Closed:
					return exitCode(s.Status()), false
				case session.Reconnecting:
					if ev.Cause != nil {
						fmt.Fprintf(e.stderr, "sshdash: %v (retrying; ctrl+c to stop)\n", ev.Cause)
					}
				}
			}
		case <-s.Done():
			st := s.Status()
			if st.State == session.Failed {
				fmt.Fprintf(e.stderr, "sshdash: %s\n", sshStyleMessage(st.Cause))
			}
			return exitCode(st), false
		}
	}
}

// waitTunnels runs a tunnel-only session until interrupted, printing its
// state changes.
func waitTunnels(a *app, s *session.Session, e *env) int {
	fmt.Fprintf(e.stderr, "sshdash: %s: tunnels only; ctrl+c to stop\n", s.Alias())
	sig := notifyInterrupt()
	defer sig.stop()
	for {
		select {
		case ev := <-a.mgr.Events():
			switch ev := ev.(type) {
			case session.Logged:
				fmt.Fprintf(e.stderr, "sshdash: %s: %s\n", s.Alias(), ev.Entry.Text)
			case session.PromptRequested:
				if in, _ := ttyFiles(e); in != nil {
					answerInTerminal(ev.Prompt, e, in)
				} else {
					ev.Prompt.Cancel()
				}
			}
		case <-s.Done():
			st := s.Status()
			if st.State == session.Failed {
				fmt.Fprintf(e.stderr, "sshdash: %s\n", sshStyleMessage(st.Cause))
			}
			return exitCode(st)
		case <-sig.c:
			return 0
		}
	}
}
