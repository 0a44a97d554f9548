//! The machine a run measured on: what `gostart merge` shows beside each shard's figures, since
//! absolute times from two machines never compare (only ratios to a baseline measured on the
//! same machine in the same rounds do).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// `model name` from /proc/cpuinfo; empty when unknown.
    pub cpu_model: String,
    /// The CPUs this process may run on.
    pub cores: usize,
    /// `uname` sysname and release, e.g. `Linux 6.8.0-45-generic`.
    pub kernel: String,
    /// The Go that built the run (`go env GOVERSION`).
    pub go_version: String,
}

impl Machine {
    /// This machine, for a run made with `go_version`.
    pub fn this(go_version: &str) -> Machine {
        let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_default();
        let uname = rustix::system::uname();
        let kernel = format!("{} {}", uname.sysname().to_string_lossy(), uname.release().to_string_lossy());
        Machine {
            cpu_model,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            kernel,
            go_version: go_version.to_owned(),
        }
    }

    /// One line: `Intel Xeon ... · 2 cores · Linux 6.8.0 · go1.26.8`.
    pub fn describe(&self) -> String {
        let cpu = if self.cpu_model.is_empty() { "unknown CPU" } else { &self.cpu_model };
        format!("{cpu} · {} cores · {} · {}", self.cores, self.kernel, self.go_version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_machine_is_described() {
        let m = Machine::this("go1.26.8");
        assert!(m.cores >= 1);
        assert!(m.kernel.starts_with("Linux "), "{}", m.kernel);
        assert!(m.describe().ends_with(" · go1.26.8"), "{}", m.describe());
    }
}
