package symbols

import (
	"log"
	"os"
	"reflect"

	yaegiunsafe "github.com/traefik/yaegi/stdlib/unsafe"
)

// The unrestricted overrides, as github.com/traefik/yaegi/stdlib/unrestricted:
// loaded after Symbols, they put back what restricted.go and the os line in
// generate.go take away. unsafe is yaegi's own table: besides unsafe.Pointer
// it has the Sizeof/Alignof/Offsetof/Add helpers and the pointer conversion
// hook the interpreter needs.
func init() {
	Unrestricted["os/os"] = map[string]reflect.Value{
		"Exit":         reflect.ValueOf(os.Exit),
		"FindProcess":  reflect.ValueOf(os.FindProcess),
		"StartProcess": reflect.ValueOf(os.StartProcess),
	}
	Unrestricted["log/log"] = map[string]reflect.Value{
		"Fatal":   reflect.ValueOf(log.Fatal),
		"Fatalf":  reflect.ValueOf(log.Fatalf),
		"Fatalln": reflect.ValueOf(log.Fatalln),
		"New":     reflect.ValueOf(log.New),
		"Logger":  reflect.ValueOf((*log.Logger)(nil)),
	}
	for _, k := range []string{"unsafe/unsafe", "github.com/traefik/yaegi/yaegi"} {
		Unrestricted[k] = yaegiunsafe.Symbols[k]
	}
}
