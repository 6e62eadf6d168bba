//! OSM XML (`.osm`) reading with `quick-xml`, into the same classified chunk as the PBF reader.
//!
//! XML extracts are small (tests, hand-written fixtures, JOSM saves); the whole file is one chunk.

use crate::error::OsmError;
use crate::pbf::PbfHeader;
use crate::raw::{Member, RawChunk, Role};
use crate::taxonomy::Taxonomy;
use feltkart_model::BBox;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Whether the bytes look like OSM XML (an XML declaration or an `<osm` root, after optional BOM/space).
#[must_use]
pub fn looks_like_xml(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let b = &b[start..];
    b.starts_with(b"<?xml") || b.starts_with(b"<osm")
}

enum Current {
    None,
    Node { id: i64, lon: f64, lat: f64 },
    Way { id: i64, refs: Vec<i64> },
    Relation { id: i64, members: Vec<Member> },
}

struct Attrs {
    pairs: Vec<(Vec<u8>, String)>,
}

impl Attrs {
    fn read(e: &BytesStart<'_>) -> Result<Self, String> {
        let mut pairs = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|err| err.to_string())?;
            let v = a.unescape_value().map_err(|err| err.to_string())?;
            pairs.push((a.key.as_ref().to_vec(), v.into_owned()));
        }
        Ok(Self { pairs })
    }
    fn get(&self, key: &[u8]) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    fn need<T: std::str::FromStr>(&self, elem: &str, key: &str) -> Result<T, String> {
        let v = self
            .get(key.as_bytes())
            .ok_or_else(|| format!("<{elem}> without `{key}`"))?;
        v.parse()
            .map_err(|_| format!("<{elem}> has a bad `{key}`: {v:?}"))
    }
}

/// Read OSM XML from memory.
///
/// # Errors
/// [`OsmError::Xml`] with the byte offset and what is wrong.
pub fn decode(
    path: &str,
    bytes: &[u8],
    tax: &Taxonomy,
) -> Result<(PbfHeader, Vec<RawChunk>), OsmError> {
    let mut reader = Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut chunk = RawChunk::default();
    let mut header = PbfHeader::default();
    let mut current = Current::None;
    let mut tags: Vec<(String, String)> = Vec::new();
    let mut scratch = Vec::new();
    let mut saw_root = false;
    // Names of the elements open at this point: a file that ends with any still open was cut short.
    let mut open: Vec<Vec<u8>> = Vec::new();
    loop {
        let at = reader.buffer_position();
        let xml_err = |reason: String| OsmError::Xml {
            path: path.to_owned(),
            offset: at,
            reason,
        };
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| xml_err(e.to_string()))?;
        let (elem, is_empty) = match &event {
            Event::Start(e) => {
                open.push(e.name().as_ref().to_vec());
                (Some(e.clone()), false)
            }
            Event::Empty(e) => (Some(e.clone()), true),
            Event::End(e) => {
                let name = e.name().as_ref().to_vec();
                open.pop();
                finish(
                    &name,
                    &mut current,
                    &mut tags,
                    &mut chunk,
                    tax,
                    &mut scratch,
                );
                buf.clear();
                continue;
            }
            Event::Eof => {
                if let Some(inner) = open.last() {
                    let reason = format!(
                        "truncated: the file ends inside <{}> before </osm>",
                        String::from_utf8_lossy(inner)
                    );
                    return Err(xml_err(reason));
                }
                break;
            }
            _ => {
                buf.clear();
                continue;
            }
        };
        if let Some(e) = elem {
            let name = e.name().as_ref().to_vec();
            let attrs = Attrs::read(&e).map_err(xml_err)?;
            match name.as_slice() {
                b"osm" => {
                    saw_root = true;
                    header.generator = attrs.get(b"generator").map(str::to_owned);
                }
                b"bounds" => {
                    header.bbox = Some(BBox {
                        min_lon: attrs.need("bounds", "minlon").map_err(xml_err)?,
                        min_lat: attrs.need("bounds", "minlat").map_err(xml_err)?,
                        max_lon: attrs.need("bounds", "maxlon").map_err(xml_err)?,
                        max_lat: attrs.need("bounds", "maxlat").map_err(xml_err)?,
                    });
                }
                b"node" => {
                    let lon: f64 = attrs.need("node", "lon").map_err(xml_err)?;
                    let lat: f64 = attrs.need("node", "lat").map_err(xml_err)?;
                    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
                        return Err(xml_err(format!(
                            "node coordinate out of range: lon {lon}, lat {lat}"
                        )));
                    }
                    current = Current::Node {
                        id: attrs.need("node", "id").map_err(xml_err)?,
                        lon,
                        lat,
                    };
                }
                b"way" => {
                    current = Current::Way {
                        id: attrs.need("way", "id").map_err(xml_err)?,
                        refs: Vec::new(),
                    }
                }
                b"relation" => {
                    current = Current::Relation {
                        id: attrs.need("relation", "id").map_err(xml_err)?,
                        members: Vec::new(),
                    };
                }
                b"tag" => {
                    let k: String = attrs.need("tag", "k").map_err(xml_err)?;
                    let v: String = attrs.need("tag", "v").map_err(xml_err)?;
                    tags.push((k, v));
                }
                b"nd" => {
                    if let Current::Way { refs, .. } = &mut current {
                        refs.push(attrs.need("nd", "ref").map_err(xml_err)?);
                    }
                }
                b"member" => {
                    if let Current::Relation { members, .. } = &mut current {
                        let r: i64 = attrs.need("member", "ref").map_err(xml_err)?;
                        let m = match attrs.get(b"type") {
                            Some("way") => Member::Way(
                                r,
                                Role::from_str_role(attrs.get(b"role").unwrap_or("")),
                            ),
                            Some("node" | "relation") => Member::Other,
                            other => return Err(xml_err(format!("<member> with type {other:?}"))),
                        };
                        members.push(m);
                    }
                }
                _ => {}
            }
            if is_empty {
                finish(
                    &name,
                    &mut current,
                    &mut tags,
                    &mut chunk,
                    tax,
                    &mut scratch,
                );
            }
        }
        buf.clear();
    }
    if !saw_root {
        return Err(OsmError::Xml {
            path: path.to_owned(),
            offset: 0,
            reason: "no <osm> root element".into(),
        });
    }
    Ok((header, vec![chunk]))
}

fn finish(
    name: &[u8],
    current: &mut Current,
    tags: &mut Vec<(String, String)>,
    chunk: &mut RawChunk,
    tax: &Taxonomy,
    scratch: &mut Vec<u16>,
) {
    if !matches!(name, b"node" | b"way" | b"relation") {
        return;
    }
    match std::mem::replace(current, Current::None) {
        Current::Node { id, lon, lat } => chunk.add_node(tax, id, lon, lat, tags, scratch),
        Current::Way { id, refs } => chunk.add_way(tax, id, refs, tags, scratch),
        Current::Relation { id, members } => chunk.add_relation(tax, id, members, tags, scratch),
        Current::None => {}
    }
    tags.clear();
}
