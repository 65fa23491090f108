# Sourced by ./mvnw, ./atoll and .ci/run. Picks the JDK and tells the Maven Wrapper where
# Maven Central is, so a fresh clone builds with no set-up of its own.

# Callers may run with `set -f` (./mvnw does); we need globbing here.
case $- in *f*) atoll_noglob=1; set +f ;; *) atoll_noglob= ;; esac

# The machine's default java is 17; Atoll needs 21 or newer. Take the newest JDK under
# /usr/lib/jvm whose major version is >= 21, unless JAVA_HOME already points at one.
atoll_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}
if [ -z "${JAVA_HOME:-}" ] || [ "$(atoll_java_major "$JAVA_HOME" 2>/dev/null || echo 0)" -lt 21 ] 2>/dev/null; then
  atoll_best=""; atoll_best_major=0
  for atoll_jdk in /usr/lib/jvm/*; do
    [ -x "$atoll_jdk/bin/javac" ] || continue
    atoll_major=$(atoll_java_major "$atoll_jdk" 2>/dev/null)
    [ -n "$atoll_major" ] || continue
    if [ "$atoll_major" -ge 21 ] && [ "$atoll_major" -gt "$atoll_best_major" ]; then
      atoll_best=$atoll_jdk; atoll_best_major=$atoll_major
    fi
  done
  if [ -z "$atoll_best" ]; then
    echo "atoll: no JDK 21 or newer under /usr/lib/jvm; install one (e.g. Temurin 21) or set JAVA_HOME" >&2
    exit 1
  fi
  JAVA_HOME=$atoll_best
  export JAVA_HOME
fi

# The wrapper downloads Maven itself from Maven Central. We do not write that address into
# our files; Maven's own super POM carries it, so read it from a Maven on the machine when
# the caller has not set MVNW_REPOURL.
if [ -z "${MVNW_REPOURL:-}" ]; then
  for atoll_jar in /usr/share/maven/lib/maven-model-builder*.jar; do
    [ -f "$atoll_jar" ] || continue
    MVNW_REPOURL=$(unzip -p "$atoll_jar" org/apache/maven/model/pom-4.0.0.xml 2>/dev/null |
      sed -n 's|.*<url>\(https*://[^<]*\)</url>.*|\1|p' | head -n 1)
    [ -n "$MVNW_REPOURL" ] && export MVNW_REPOURL && break
  done
fi

[ -z "$atoll_noglob" ] || set -f
