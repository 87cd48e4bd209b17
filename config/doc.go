// Package config resolves OpenSSH client configuration the way ssh(1) does:
// the user and system ssh_config files (or the file given with -F), their
// Include directives, Host and Match blocks, defaults and percent tokens.
//
// It only ever reads the user's files. The subpackage settings reads
// sshdash's own settings file (per-host heartbeat and reattach overrides).
package config
