//! Writing the export: a gzip-compressed tar with README.txt first, every path under one
//! folder. No I/O but the writer it is given.

use std::io::{self, Write};

use flate2::write::GzEncoder;
use flate2::Compression;

use super::collect::File;

fn append<W: Write>(
    tar: &mut tar::Builder<W>,
    path: &str,
    data: &[u8],
    mtime: u64,
) -> io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(data.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(mtime);
    header.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut header, path, data)
}

/// `README.txt` and `files`, under `root/`, as a .tar.gz into `w`; returns `w`.
pub fn write_tar_gz<W: Write>(
    w: W,
    root: &str,
    readme: &str,
    files: &[File],
    mtime: u64,
    mut progress: impl FnMut(&str),
) -> io::Result<W> {
    let mut tar = tar::Builder::new(GzEncoder::new(w, Compression::default()));
    append(
        &mut tar,
        &format!("{root}/README.txt"),
        readme.as_bytes(),
        mtime,
    )?;
    for f in files {
        progress(&f.path);
        append(&mut tar, &format!("{root}/{}", f.path), &f.data, mtime)?;
    }
    tar.into_inner()?.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn readme_first_then_the_files_under_one_folder() {
        let files = vec![
            File {
                path: "hippo/a.yaml".into(),
                data: b"a: 1\n".to_vec(),
            },
            File {
                path: "agent/logs/p/c.log".into(),
                data: b"log\n".to_vec(),
            },
        ];
        let mut seen = vec![];
        let gz = write_tar_gz(
            Vec::new(),
            "pgo-support-hippo",
            "read me\n",
            &files,
            0,
            |p| seen.push(p.to_string()),
        )
        .unwrap();
        assert_eq!(seen, ["hippo/a.yaml", "agent/logs/p/c.log"]);
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(&gz[..]));
        let mut entries = vec![];
        for e in archive.entries().unwrap() {
            let mut e = e.unwrap();
            let mut s = String::new();
            e.read_to_string(&mut s).unwrap();
            entries.push((e.path().unwrap().display().to_string(), s));
        }
        assert_eq!(
            entries,
            [
                (
                    "pgo-support-hippo/README.txt".to_string(),
                    "read me\n".to_string()
                ),
                (
                    "pgo-support-hippo/hippo/a.yaml".to_string(),
                    "a: 1\n".to_string()
                ),
                (
                    "pgo-support-hippo/agent/logs/p/c.log".to_string(),
                    "log\n".to_string()
                ),
            ]
        );
    }
}
