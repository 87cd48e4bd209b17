package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

// critKind is a Match criterion.
type critKind uint8

const (
	critAll critKind = iota
	critCanonical
	critFinal
	critHost
	critOriginalHost
	critUser
	critLocalUser
	critExec
)

// criterion is one parsed Match criterion.
type criterion struct {
	kind   critKind
	negate bool
	arg    string
}

// parseMatch parses the criteria of a Match line (the text after the
// keyword) as OpenSSH's match_cfg_line does, with strdelim tokenisation.
// final reports a "final" criterion (which makes ssh parse the files a
// second time). msg is the reason the line is invalid.
func parseMatch(rest string) (crit []criterion, final bool, msg string) {
	cp, cpNil := rest, false
	attributes := 0
	for {
		attrib, r, rNil, ok := strdelim(cp, cpNil, true)
		if !ok || attrib == "" {
			if ok {
				cp, cpNil = r, rNil
			} else {
				cp, cpNil = "", true
			}
			break
		}
		cp, cpNil = r, rNil
		if attrib[0] == '#' {
			cp, cpNil = "", true
			break
		}
		c := criterion{}
		if attrib[0] == '!' {
			c.negate = true
			attrib = attrib[1:]
		}
		name := lowerASCII(attrib)
		if name == "all" {
			arg, r2, r2Nil, ok2 := strdelim(cp, cpNil, true)
			if attributes > 1 || (ok2 && arg != "" && arg[0] != '#') {
				return nil, false, fmt.Sprintf("'%s' cannot be combined with other Match attributes", attrib)
			}
			_ = r2
			_ = r2Nil
			c.kind = critAll
			crit = append(crit, c)
			return crit, final, ""
		}
		attributes++
		switch name {
		case "canonical":
			c.kind = critCanonical
			crit = append(crit, c)
			continue
		case "final":
			c.kind = critFinal
			final = true
			crit = append(crit, c)
			continue
		}
		arg, r2, r2Nil, ok2 := strdelim(cp, cpNil, true)
		if !ok2 || arg == "" || arg[0] == '#' {
			return nil, false, fmt.Sprintf("missing Match criteria for %s", attrib)
		}
		cp, cpNil = r2, r2Nil
		c.arg = arg
		switch name {
		case "host":
			c.kind = critHost
		case "originalhost":
			c.kind = critOriginalHost
		case "user":
			c.kind = critUser
		case "localuser":
			c.kind = critLocalUser
		case "exec":
			c.kind = critExec
		default:
			return nil, false, fmt.Sprintf("unsupported Match attribute %s", attrib)
		}
		crit = append(crit, c)
	}
	if attributes == 0 {
		return nil, false, "one or more attributes required for Match"
	}
	if !cpNil && cp != "" {
		return nil, false, "keyword match extra arguments at end of line"
	}
	return crit, final, ""
}

// matchHostLine evaluates a Host line for host as OpenSSH does: a case
// sensitive match of each pattern; a matching negated pattern rejects.
func matchHostLine(patterns []string, host string) bool {
	matched := false
	for _, p := range patterns {
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		if MatchPattern(p, host) {
			if neg {
				return false
			}
			matched = true
		}
	}
	return matched
}

// evalMatch evaluates the criteria of a Match line.
func (r *resolver) evalMatch(it *item, f *file) (bool, error) {
	st := r.st
	port := st.port
	if port <= 0 {
		port = 22
	}
	ruser := st.userOr(r.c.opts.LocalUser)
	var host string
	switch {
	case r.final:
		host = r.host // ssh set HostName to the final name before this pass
	case st.isSet(idHostname):
		h, err := expandPercent(st.hostname(), map[byte]string{'h': r.hostArg})
		if err != nil {
			return false, fatalAt(f.path, st.src(idHostname), "HostName: %v", err)
		}
		host = h
	default:
		host = r.hostArg
	}
	result := true
	for _, c := range it.ext.crit {
		var ok bool
		switch c.kind {
		case critAll:
			if result {
				result = !c.negate
			}
			return result, nil
		case critCanonical, critFinal:
			ok = r.final
		case critHost:
			ok = matchHostname(host, c.arg)
		case critOriginalHost:
			ok = matchHostname(r.hostArg, c.arg)
		case critUser:
			ok = matchPatternListC(ruser, c.arg, false) == 1
		case critLocalUser:
			ok = matchPatternListC(r.c.opts.LocalUser, c.arg, false) == 1
		case critExec:
			var err error
			var ran bool
			ok, ran, err = r.runExec(c.arg, host, port, ruser, f, int(it.line), result)
			if err != nil {
				return false, err
			}
			if !ran {
				if !r.opts.RunExec && result {
					// Not run: the line cannot be judged, so it
					// does not apply (negated or not).
					result = false
				}
				continue
			}
		}
		if ok == c.negate {
			result = false
		}
	}
	return result, nil
}

// runExec runs a Match exec command through the user's shell, with the
// tokens ssh expands there. As ssh, it expands the command even when an
// earlier criterion failed (run false) but then does not run it (ran
// false). Without RunExec the command is not run either (ran false).
func (r *resolver) runExec(arg, host string, port int, ruser string, f *file, line int, run bool) (ok, ran bool, err error) {
	o := &r.c.opts
	keyAlias := host
	if r.st.isSet(idHostKeyAlias) {
		keyAlias = r.st.str(idHostKeyAlias)
	}
	short, _, _ := strings.Cut(o.Hostname, ".")
	toks := map[byte]string{
		'C': connectionHash(o.Hostname, host, itoa(port), ruser),
		'L': short,
		'd': o.Home,
		'h': host,
		'k': keyAlias,
		'l': o.Hostname,
		'n': r.hostArg,
		'p': itoa(port),
		'r': ruser,
		'u': o.LocalUser,
		'i': o.UID,
	}
	cmd, err := expandPercent(arg, toks)
	if err != nil {
		return false, false, fatalAt(f.path, line, "match exec %q: %v", arg, err)
	}
	if !run {
		return false, false, nil
	}
	if !r.opts.RunExec {
		r.execSkipped = true
		return false, false, nil
	}
	// As ssh: $SHELL, or /bin/sh when it is not set.
	shell, ok := o.LookupEnv("SHELL")
	if !ok {
		shell = "/bin/sh"
	}
	if err := syscall.Access(shell, 1); err != nil {
		return false, false, fatalf("shell %q is not executable: %v", shell, err)
	}
	ctx := r.opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	c := exec.CommandContext(ctx, shell, "-c", cmd)
	c.Stderr = r.opts.ExecStderr
	c.Env = os.Environ()
	err = c.Run()
	if err == nil {
		return true, true, nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Exited() {
			return false, true, nil
		}
	}
	return false, false, fatalAt(f.path, line, "match exec %q error: %v", cmd, err)
}
