// Command odbench tells whether this device can run, and fine-tune, a large
// language model privately, and how well.
//
// main.go holds the command table and maps errors to exit codes; each
// subcommand lives in its own cmd_<name>.go file and registers itself in init.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// Exit codes, documented in every command's --help.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 130
)

const exitCodesHelp = `Exit codes: 0 ok, 1 failure, 2 usage error, 130 interrupted (Ctrl-C; what was measured is saved).`

// env is what a command may touch besides its arguments.
type env struct {
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand: its name, a one-line summary and the function
// that runs it with the arguments after the command name.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

var commands = map[string]command{}

// register adds a subcommand to the table; it is called from init functions.
func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("odbench: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// usageError marks an error caused by bad command-line input (exit code 2).
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

// usagef returns a usage error with a formatted message.
func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runMain(ctx, os.Args[1:], env{stdout: os.Stdout, stderr: os.Stderr})
	stop()
	os.Exit(code)
}

// runMain dispatches to a subcommand and returns the process exit code.
func runMain(ctx context.Context, args []string, e env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printTopUsage(e.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "odbench: unknown command %q\n\n", args[0])
		printTopUsage(e.stderr)
		return exitUsage
	}
	err := c.run(ctx, e, args[1:])
	return exitCode(ctx, c.name, err, e.stderr)
}

// exitCode prints err (if any) and maps it to an exit code.
func exitCode(ctx context.Context, name string, err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "odbench %s: %v\nRun 'odbench %s --help' for usage.\n", name, err, name)
		return exitUsage
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "odbench %s: interrupted: %v\n", name, err)
		return exitInterrupted
	default:
		fmt.Fprintf(stderr, "odbench %s: %v\n", name, err)
		return exitFailure
	}
}

func printTopUsage(w io.Writer) {
	fmt.Fprintln(w, "odbench: can this device run (and fine-tune) this model, privately, and how well?")
	fmt.Fprintln(w, "\nUsage: odbench <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'odbench <command> --help' for a command's flags. Every command takes --json.")
	fmt.Fprintln(w, exitCodesHelp)
	fmt.Fprintln(w, "odbench opens no network connection unless you give it an address.")
}
