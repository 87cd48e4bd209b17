package config

import (
	"context"
	"io"
	"strings"
)

// ResolveOptions adjusts one resolution. User and Port come from a
// "user@host:port" argument and override the configuration, as ssh's -l
// and -p do.
type ResolveOptions struct {
	// RunExec runs "Match exec" commands. Leave it off when merely
	// listing hosts: the commands are then not run and the Match lines
	// that would run them do not apply, negated or not
	// (Resolved.ExecSkipped reports it).
	RunExec bool
	// User overrides the remote user (ssh -l, or user@ in the argument).
	User string
	// Port overrides the port (ssh -p); 0 means not given.
	Port int
	// Lookup resolves host names for CanonicalizeHostname and
	// CanonicalizePermittedCNAMEs; nil means no DNS lookups (names are
	// treated as not found, which is what ssh sees without DNS).
	// SystemLookup uses the system resolver.
	Lookup func(name string) (canonical string, found bool)
	// Context bounds Match exec commands; nil means no limit.
	Context context.Context
	// ExecStderr receives the standard error of Match exec commands;
	// nil discards it.
	ExecStderr io.Writer
	// Strict makes Resolve refuse the configuration where ssh would:
	// when any line of the files ssh reads is broken, whether or not it
	// applies to the host, Resolve returns a *RefusedError (wrapping
	// ErrFatal). Unknown keywords are judged against the IgnoreUnknown
	// in force at that line for this host, as ssh judges them. Without
	// Strict, broken lines are skipped (Config.Errors lists them).
	Strict bool
}

// setting is the line that set a keyword (first one wins in ssh).
type setting struct {
	it *item
	f  *file
}

// idEntry is one IdentityFile or CertificateFile.
type idEntry struct {
	path string
	user bool // from a user configuration (ssh dedups per origin)
}

// state is ssh's Options structure while the files are read.
type state struct {
	// set holds the first-wins keywords that are set; a host sets few,
	// so a short list beats a table indexed by keyword.
	set []setEntry

	cmdUser string // from ResolveOptions (ssh -l)
	port    int    // from ResolveOptions or Port; 0 unset

	identities []idEntry
	certs      []idEntry
	localFwds  []forward
	remoteFwds []forward
	sendEnv    []string

	fwdAgentPath  setting
	rekeyLimit    setting
	rekeyInterval setting
	jump          setting // ProxyJump (jump_host set)
	proxyCmd      setting // ProxyCommand; proxyCmdNone: set to "none" by ProxyJump
	proxyCmdNone  bool
}

type setEntry struct {
	id int
	setting
}

// get returns the line that set keyword id (zero setting when unset).
func (st *state) get(id int) setting {
	for i := range st.set {
		if st.set[i].id == id {
			return st.set[i].setting
		}
	}
	return setting{}
}

// put records the line that sets keyword id.
func (st *state) put(id int, s setting) {
	for i := range st.set {
		if st.set[i].id == id {
			st.set[i].setting = s
			return
		}
	}
	st.set = append(st.set, setEntry{id, s})
}

func (st *state) isSet(id int) bool { return st.get(id).it != nil }

func (st *state) str(id int) string {
	if it := st.get(id).it; it != nil {
		return it.s
	}
	return ""
}

func (st *state) num(id int, def int) int {
	if it := st.get(id).it; it != nil {
		return it.n
	}
	return def
}

// src returns the line that set a keyword, 0 when unset.
func (st *state) src(id int) int {
	if it := st.get(id).it; it != nil {
		return int(it.line)
	}
	return 0
}

func (st *state) hostname() string { return st.str(idHostname) }

func (st *state) userOr(def string) string {
	if st.cmdUser != "" {
		return st.cmdUser
	}
	if st.isSet(idUser) {
		return st.str(idUser)
	}
	return def
}

// resolver walks the parsed files for one host and one pass.
type resolver struct {
	c           *Config
	opts        ResolveOptions
	st          *state
	hostArg     string // the host as given (%n, Match originalhost)
	host        string // the name Host lines match: hostArg, then the final hostname
	final       bool   // the second ("final") pass
	execSkipped bool
	visits      int
	res         *Resolved // the result being built
	// strict is set for the first pass of a strict resolution: every
	// line is visited (no Host-run jumps, inactive Includes read) and
	// unknown keywords not ignored at that point are collected.
	strict  bool
	unknown []*LineError
}

// apply applies one directive of an active block.
func (r *resolver) apply(it *item, f *file) {
	st := r.st
	k := it.kw
	switch k.kind {
	case kIgnore, kDeprecated, kUnsupported, kHost, kMatch, kInclude,
		kStreamLocalBindMask, kSyslogFacility:
		// Structure, or handled when loading (ssh applies these two
		// regardless of Host and Match).
		return
	case kTime:
		if it.n < 0 {
			return // "none" leaves the option unset
		}
	case kPort:
		if st.port == 0 {
			st.port = it.n
			st.put(k.id, setting{it, f})
		}
		return
	case kIdentityFile:
		st.identities = addID(st.identities, idEntry{it.s, f.user})
		return
	case kCertificateFile:
		st.certs = addID(st.certs, idEntry{it.s, f.user})
		return
	case kLocalForward, kDynamicForward:
		st.localFwds = addForward(st.localFwds, it.ext.fwd)
		return
	case kRemoteForward:
		st.remoteFwds = addForward(st.remoteFwds, it.ext.fwd)
		return
	case kSendEnv:
		for _, a := range it.ext.list {
			if strings.HasPrefix(a, "-") {
				st.sendEnv = removeEnv(st.sendEnv, a[1:])
				continue
			}
			st.sendEnv = append(st.sendEnv, a)
		}
		return
	case kForwardAgent:
		if !st.isSet(k.id) {
			st.put(k.id, setting{it, f})
		}
		if it.n == -2 && st.fwdAgentPath.it == nil {
			st.fwdAgentPath = setting{it, f}
		}
		return
	case kRekeyLimit:
		if st.rekeyLimit.it == nil {
			st.rekeyLimit = setting{it, f}
		}
		if it.ext.n2 >= 0 && st.rekeyInterval.it == nil {
			st.rekeyInterval = setting{it, f}
		}
		return
	case kCommand:
		if k.id == idProxyCommand {
			// OpenSSH 9.2 does not look at ProxyJump here: "ProxyJump
			// none" leaves a later ProxyCommand free to apply.
			if st.proxyCmd.it == nil && !st.proxyCmdNone {
				st.proxyCmd = setting{it, f}
			}
			return
		}
	case kProxyJump:
		if st.proxyCmd.it != nil || st.proxyCmdNone || st.jump.it != nil {
			return
		}
		st.jump = setting{it, f}
		if !it.ext.jump.none {
			st.proxyCmdNone = true
		}
		return
	}
	if k.id == idUser && st.cmdUser != "" {
		return
	}
	if r.final {
		switch k.id {
		case idHostname, idCanonicalize, idCanonMaxDots, idCanonFallback:
			// ssh fixed these (or their defaults) before the final pass.
			return
		}
	}
	if !st.isSet(k.id) {
		st.put(k.id, setting{it, f})
	}
}

func addID(list []idEntry, e idEntry) []idEntry {
	for _, x := range list {
		if x == e {
			return list
		}
	}
	return append(list, e)
}

func addForward(list []forward, fwd forward) []forward {
	for _, x := range list {
		if x == fwd {
			return list
		}
	}
	return append(list, fwd)
}

// removeEnv drops the SendEnv entries matched by pattern ("SendEnv -PAT").
func removeEnv(list []string, pattern string) []string {
	out := list[:0]
	for _, e := range list {
		if !MatchPattern(pattern, e) {
			out = append(out, e)
		}
	}
	return out
}

// run reads every top-level file for one pass.
func (r *resolver) run() error {
	for _, f := range r.c.roots {
		if err := r.walkFile(f, 0, true); err != nil {
			return err
		}
	}
	return nil
}

// walkFile applies the directives of f that are active for r.host.
// active is the state inherited from the including line.
func (r *resolver) walkFile(f *file, depth int, active bool) error {
	r.visits++
	if r.visits > maxVisits {
		return nil
	}
	items := f.items
	for i := 0; i < len(items); i++ {
		it := &items[i]
		if it.kw == nil {
			// Unknown keyword: reported when loading; a strict
			// resolution judges it here.
			r.checkUnknown(f, it)
			continue
		}
		switch it.kw.kind {
		case kHost:
			if run := f.runs[i]; run != nil && !r.strict {
				// Only the blocks naming the host can apply.
				for _, h := range run.index[r.host] {
					if err := r.walkBody(f, h+1, int(items[h].end), depth); err != nil {
						return err
					}
				}
				active = false
				i = run.end - 1
				continue
			}
			active = !it.bad && matchHostLine(it.args, r.host)
			continue
		case kMatch:
			if it.bad {
				active = false
				continue
			}
			ok, err := r.evalMatch(it, f)
			if err != nil {
				return err
			}
			active = ok
			continue
		}
		if !active || it.bad {
			if r.strict && !it.bad && it.kw.kind == kInclude {
				r.scanInclude(it, depth)
			}
			continue
		}
		if it.kw.kind == kInclude {
			if err := r.walkInclude(it, depth); err != nil {
				return err
			}
			continue
		}
		r.apply(it, f)
	}
	return nil
}

// walkBody applies the body of an active Host block (items from..to).
func (r *resolver) walkBody(f *file, from, to, depth int) error {
	for i := from; i < to; i++ {
		it := &f.items[i]
		if it.kw == nil || it.bad {
			continue
		}
		if it.kw.kind == kInclude {
			if err := r.walkInclude(it, depth); err != nil {
				return err
			}
			continue
		}
		r.apply(it, f)
	}
	return nil
}

// walkInclude reads the files of an Include in an active block. Files
// included from inactive blocks can never apply and are skipped.
func (r *resolver) walkInclude(it *item, depth int) error {
	if it.ext == nil || depth+1 > maxIncludeDepth {
		return nil
	}
	for _, inc := range it.ext.incs {
		for i, t := range inc.targets {
			if inc.cut[i] {
				continue
			}
			if err := r.walkFile(t, depth+1, true); err != nil {
				return err
			}
		}
	}
	return nil
}
