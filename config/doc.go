// Package config resolves OpenSSH client configuration the way ssh(1) does:
// the user and system ssh_config files (or the file given with -F), their
// Include directives, Host and Match blocks, defaults and percent tokens.
//
// It only ever reads the user's files. The subpackage settings reads
// sshdash's own settings file (per-host heartbeat and reattach overrides).
//
// Load parses every file once; Config.Resolve then walks the parsed files
// for one host, reproducing "ssh -G" of OpenSSH 9.2p1 (Debian 12 build):
// first-obtained values win, multi-valued keywords accumulate with ssh's
// de-duplication, "Match final", "Match canonical" and CanonicalizeHostname
// cause a second pass in which Host lines see the final host name, and
// Resolved.Lines prints the result in ssh -G's order and format.
//
// Deliberate differences from ssh: a broken line (unknown keyword, bad
// value, unreadable Include) does not make the whole configuration
// unusable; it is reported as a *LineError and skipped, and a broken Host
// or Match line starts a block that never applies. ResolveOptions.Strict
// restores ssh's verdict (a *RefusedError) for callers that must agree with
// ssh -G, such as "sshdash resolve". Match exec commands run
// only with ResolveOptions.RunExec, and DNS lookups for host name
// canonicalisation only with ResolveOptions.Lookup.
package config
