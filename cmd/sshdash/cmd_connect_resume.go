package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/sshdash/sshdash/session"
)

// resumeLatest is --resume given without a name: the most recently used
// detached session.
const resumeLatest = "\x00latest"

// resumeArgs sorts out "--resume NAME HOST" (pflag gives a flag with an
// optional value its value only as --resume=NAME): with --resume given
// bare and two positionals, the one that looks like a remote session name
// (sd-…) is the name. It returns the remaining positionals.
func resumeArgs(set bool, resume *string, pos []string) ([]string, bool) {
	if !set || *resume != resumeLatest || len(pos) != 2 {
		return pos, true
	}
	for i, a := range pos {
		if looksLikeRemoteName(a) {
			*resume = a
			return []string{pos[1-i]}, true
		}
	}
	return pos, false
}

// looksLikeRemoteName reports whether s is a name sshdash gives remote
// sessions (sd-<12 hex digits>).
func looksLikeRemoteName(s string) bool {
	h, ok := strings.CutPrefix(s, "sd-")
	if !ok || len(h) != 12 {
		return false
	}
	return strings.Trim(h, "0123456789abcdef") == ""
}

// pickResume lists the sessions on the plan's host and returns the one to
// resume: want by name, or the most recently used detached one. When there
// is none it says so and returns "" with connect's exit status.
func pickResume(a *app, p *session.Plan, e *env, want string, secrets *session.Secrets) (string, int) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	list, err := listOnHost(ctx, a, p, e, secrets)
	if err != nil {
		fmt.Fprintf(e.stderr, "sshdash: %v\n", err)
		return "", 255
	}
	r, why := chooseResume(list, want)
	if why != "" {
		fmt.Fprintf(e.stderr, "sshdash: %s: %s\n", p.Alias, why)
		return "", 255
	}
	if r.Attached {
		fmt.Fprintf(e.stderr, "sshdash: %s: %s is attached elsewhere too; both will see it\n", p.Alias, r.Name)
	}
	return r.Name, 0
}

// chooseResume picks the session to resume from a host's list (most
// recently used first): want by name, or the first detached one. why says
// what is wrong when there is nothing to resume.
func chooseResume(list []session.RemoteSession, want string) (r session.RemoteSession, why string) {
	if want == resumeLatest {
		for _, r := range list {
			if r.Resumable() {
				return r, ""
			}
		}
		if len(list) > 0 {
			return r, "no detached sshdash session to resume (all are attached or ended; sshdash sessions lists them)"
		}
		return r, "no sshdash session to resume on this host"
	}
	for _, r := range list {
		if r.Name == want {
			if r.Ended {
				return r, fmt.Sprintf("the session %s has ended; nothing to resume", want)
			}
			return r, ""
		}
	}
	return r, fmt.Sprintf("no session %s on this host (it ended, or was closed; sshdash sessions lists them)", want)
}

// sayDetached tells how many detached sessions the host has: on stderr
// before the terminal is attached, and on the attached terminal's bottom
// line (attach's redraw clears the screen): it returns the notice now, or
// a channel that delivers it when the list comes later. The list comes
// from the session's first connection, fetched over it once the shell is
// up (see session.Options.OnRemoteSessions); connect waits for it a
// moment at most.
func sayDetached(e *env, alias string, others <-chan []session.RemoteSession, done <-chan struct{}) (now string, later <-chan string) {
	select {
	case list := <-others:
		say := detachedText(alias, list)
		if say == "" {
			return "", nil
		}
		fmt.Fprintf(e.stderr, "sshdash: %s\r\n", say)
		return "sshdash: " + say + " (any key hides this)", nil
	case <-time.After(detachedWait):
	}
	ch := make(chan string, 1)
	go func() { // ends with the session's scan (bounded), or the session
		select {
		case list := <-others:
			if say := detachedText(alias, list); say != "" {
				ch <- "sshdash: " + say + " (any key hides this)"
			}
		case <-done:
		}
	}()
	return "", ch
}

// detachedText says how many of list are detached and how to resume them;
// "" when none are.
func detachedText(alias string, list []session.RemoteSession) string {
	n := 0
	for _, r := range list {
		if r.Resumable() {
			n++
		}
	}
	switch {
	case n == 1:
		return fmt.Sprintf("1 detached session on %s; sshdash connect --resume %s to go back to it", alias, alias)
	case n > 1:
		return fmt.Sprintf("%d detached sessions on %s; sshdash connect --resume %s to go back to the latest (sshdash sessions %s lists them)", n, alias, alias, alias)
	}
	return ""
}

// detachedWait bounds how long connect waits, once the shell is up, for
// the list of the host's detached sessions (usually there already).
const detachedWait = 300 * time.Millisecond
