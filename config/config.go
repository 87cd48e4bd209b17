package config

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
)

// DefaultSystemFile is the system-wide client configuration file.
const DefaultSystemFile = "/etc/ssh/ssh_config"

// LoadOptions says which files to read and describes the local side
// (user, home directory, machine name) the way ssh sees it. Zero values
// take the defaults documented on each field.
type LoadOptions struct {
	// File is the configuration given with ssh -F: it replaces both the
	// user and the system file. "none" reads no file at all. "" means the
	// default files.
	File string
	// UserFile is the per-user file; default <Home>/.ssh/config.
	UserFile string
	// SystemFile is the system-wide file; default /etc/ssh/ssh_config.
	SystemFile string
	// Home is the local user's home directory as ssh uses it for ~ in
	// paths and the %d token: the passwd entry, not $HOME. Default: the
	// passwd entry of the current user, else os.UserHomeDir.
	Home string
	// LocalUser is the local user name (%u, Match localuser, the default
	// User). Default: the current user.
	LocalUser string
	// Hostname is this machine's host name for %l (and %L, its first
	// label). Default: os.Hostname.
	Hostname string
	// UID is the local user id for %i. Default: os.Getuid.
	UID string
	// LookupEnv reads the environment: ${VAR} in paths, $HOME for "~" in
	// Include (ssh globs with the shell's rules there), $SHELL for Match
	// exec. Default: os.LookupEnv.
	LookupEnv func(string) (string, bool)

	// fsys replaces the operating system's files in tests.
	fsys fileSystem
}

// Config is a parsed client configuration: every file read once, ready to
// resolve any number of hosts. A Config is safe for concurrent use.
type Config struct {
	opts      LoadOptions
	roots     []*file
	errors    []*LineError
	hosts     []HostEntry
	wantFinal bool // some Match line uses "final": ssh resolves twice

	// ssh applies these two keywords whatever Host or Match says:
	// the first SyslogFacility and the last StreamLocalBindMask read.
	syslogFacility  *item
	streamLocalMask *item

	// defaultUserKnownHosts is the default UserKnownHostsFile, expanded.
	defaultUserKnownHosts []string
}

// HostEntry is one concrete host alias from a Host line.
type HostEntry struct {
	Alias string // the alias as written
	File  string // file of the Host line
	Line  int    // line of the Host line
	// Tags are the sshdash tags from "# sshdash: tags=a,b" comments in
	// the Host blocks that apply to the alias (lower case, no
	// duplicates); nil when there are none.
	Tags []string
}

// Errors returns the problems found while loading: broken lines, bad
// values, unreadable Includes. Each names its file and line.
func (c *Config) Errors() []*LineError { return c.errors }

// Hosts returns every concrete host alias (no wildcard, no negation) from
// Host lines, in file order across Includes, each alias once. Aliases in a
// file included from within a Host block are listed only when that block
// would apply to them; those included from within a Match block are
// listed, since Match conditions can only be judged at connection time.
func (c *Config) Hosts() []HostEntry { return c.hosts }

// Files returns the top-level files that were read (not their Includes).
func (c *Config) Files() []string {
	out := make([]string, 0, len(c.roots))
	for _, f := range c.roots {
		out = append(out, f.path)
	}
	return out
}

// fillDefaults completes o with values from the running process.
func (o *LoadOptions) fillDefaults() {
	if o.LookupEnv == nil {
		o.LookupEnv = os.LookupEnv
	}
	if o.fsys == nil {
		o.fsys = osFS{}
	}
	var cur *user.User
	if o.Home == "" || o.LocalUser == "" {
		cur, _ = user.Current()
	}
	if o.Home == "" {
		if cur != nil && cur.HomeDir != "" {
			o.Home = cur.HomeDir
		} else if h, err := os.UserHomeDir(); err == nil {
			o.Home = h
		} else {
			o.Home = "/"
		}
	}
	if o.LocalUser == "" {
		switch {
		case cur != nil:
			o.LocalUser = cur.Username
		case o.getenv("USER") != "":
			o.LocalUser = o.getenv("USER")
		default:
			o.LocalUser = strconv.Itoa(os.Getuid())
		}
	}
	if o.Hostname == "" {
		if h, err := os.Hostname(); err == nil {
			o.Hostname = h
		}
	}
	if o.UID == "" {
		o.UID = strconv.Itoa(os.Getuid())
	}
	if o.UserFile == "" {
		o.UserFile = filepath.Join(o.Home, ".ssh", "config")
	}
	if o.SystemFile == "" {
		o.SystemFile = DefaultSystemFile
	}
}

// Load reads the configuration files described by opts: the -F file, or
// the user file then the system file, with their Includes. Each file is
// parsed once. Problems in lines are collected (see Config.Errors) and the
// rest of the configuration stays usable; Load fails only when the file
// given as opts.File cannot be read.
func Load(opts LoadOptions) (*Config, error) {
	opts.fillDefaults()
	c := &Config{opts: opts}
	for _, p := range []string{"~/.ssh/known_hosts", "~/.ssh/known_hosts2"} {
		x, _ := tildeExpand(p, opts.Home)
		c.defaultUserKnownHosts = append(c.defaultUserKnownHosts, x)
	}
	l := newLoader(c)
	switch {
	case opts.File == "none":
	case opts.File != "":
		f, err := l.readTop(opts.File, true, false)
		if err != nil {
			return nil, fmt.Errorf("can't open config file %s: %w", opts.File, err)
		}
		c.roots = append(c.roots, f)
	default:
		if f, _ := l.readTop(opts.UserFile, true, true); f != nil {
			c.roots = append(c.roots, f)
		}
		if f, _ := l.readTop(opts.SystemFile, false, false); f != nil {
			c.roots = append(c.roots, f)
		}
	}
	l.walkAll()
	return c, nil
}

// getenv returns an environment variable, "" when unset.
func (o *LoadOptions) getenv(name string) string {
	v, _ := o.LookupEnv(name)
	return v
}
