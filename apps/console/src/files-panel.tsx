/**
 * The session's files: list, upload, thumbnails of images and a preview or download of any file.
 * The files API needs the Authorization header, so every file is fetched with it and shown from
 * a blob: URL (the page's policy allows blob: images), revoked when no longer shown.
 */
import { useEffect, useState } from "preact/hooks";
import type { Api } from "./api";
import type { FileEntry } from "./types";

const IMAGE = /\.(png|jpe?g|gif|webp|bmp|svg|avif)$/i;
const TEXT = /\.(txt|md|json|csv|log|py|js|ts|html|css|xml|ya?ml|sh)$/i;

function useBlobUrl(load: (() => Promise<Blob>) | undefined, deps: unknown[]): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!load) return;
    let current: string | undefined;
    let live = true;
    load().then(
      (blob) => {
        if (!live) return;
        current = URL.createObjectURL(blob);
        setUrl(current);
      },
      () => undefined,
    );
    return () => {
      live = false;
      if (current) URL.revokeObjectURL(current);
    };
  }, deps);
  return url;
}

function Thumbnail({ api, sessionId, file }: { api: Api; sessionId: string; file: FileEntry }) {
  const url = useBlobUrl(IMAGE.test(file.name) ? () => api.fileBlob(sessionId, file.name, "w200") : undefined, [sessionId, file.name, file.modified]);
  return url ? <img class="thumb" src={url} alt={`Thumbnail of ${file.name}`} /> : null;
}

function Preview({ api, sessionId, name, onClose }: { api: Api; sessionId: string; name: string; onClose: () => void }) {
  const [text, setText] = useState<string>();
  const url = useBlobUrl(() => api.fileBlob(sessionId, name), [sessionId, name]);
  useEffect(() => {
    if (TEXT.test(name))
      api.fileBlob(sessionId, name).then(
        (blob) => blob.slice(0, 200_000).text().then(setText),
        () => undefined,
      );
  }, [sessionId, name]);
  return (
    <div class="preview" role="region" aria-label={`Preview of ${name}`}>
      <div class="row">
        <strong>{name}</strong>
        {url && (
          <a href={url} download={name.split("/").pop()}>
            Download
          </a>
        )}
        <button type="button" class="small" onClick={onClose}>
          Close
        </button>
      </div>
      {IMAGE.test(name) && url && <img src={url} alt={name} />}
      {text !== undefined && <pre>{text}</pre>}
    </div>
  );
}

export function FilesPanel({ api, sessionId, version }: { api: Api; sessionId: string; version: number }) {
  const [files, setFiles] = useState<FileEntry[]>([]);
  const [error, setError] = useState<string>();
  const [preview, setPreview] = useState<string>();
  const [busy, setBusy] = useState(false);
  const reload = () =>
    api.files(sessionId).then(
      (list) => (setFiles(list), setError(undefined)),
      (e: Error) => setError(e.message),
    );
  useEffect(() => void reload(), [sessionId, version]);

  const upload = async (input: HTMLInputElement) => {
    const chosen = Array.from(input.files ?? []);
    setBusy(true);
    try {
      for (const file of chosen) await api.upload(sessionId, file);
      input.value = "";
      await reload();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="files" aria-labelledby="files-title">
      <h3 id="files-title">Files</h3>
      <label for="upload">Upload a file</label>
      <input id="upload" type="file" multiple disabled={busy} onChange={(e) => upload(e.currentTarget)} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ul>
        {files
          .filter((file) => !file.isDir)
          .map((file) => (
            <li key={file.name} data-testid="file">
              <Thumbnail api={api} sessionId={sessionId} file={file} />
              <button type="button" class="link" onClick={() => setPreview(file.name)}>
                {file.name}
              </button>
              <span class="meta">{file.size} B</span>
            </li>
          ))}
        {files.length === 0 && !error && <li class="meta">No files.</li>}
      </ul>
      {preview && <Preview api={api} sessionId={sessionId} name={preview} onClose={() => setPreview(undefined)} />}
    </section>
  );
}
