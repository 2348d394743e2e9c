import { useState, type DragEvent } from 'react';

/** A dropped item's path: Electron knows the file's path; a file manager's drag carries a file:// URL. */
export function droppedPath(event: DragEvent, pathForFile: ((file: File) => string) | null): string | null {
  const file = event.dataTransfer.files[0];
  if (file && pathForFile) return pathForFile(file) || null;
  const uri = event.dataTransfer
    .getData('text/uri-list')
    .split('\n')
    .find((line) => line.startsWith('file://'));
  if (uri) return decodeURIComponent(new URL(uri.trim()).pathname);
  const text = event.dataTransfer.getData('text/plain').trim();
  return text.startsWith('/') || /^[A-Za-z]:\\/.test(text) ? text : null;
}

export interface FileDrop {
  dragging: boolean;
  /** Why a drop gave no path (a browser that hides it), or null. */
  dropNote: string | null;
  handlers: {
    onDragOver: (event: DragEvent) => void;
    onDragLeave: () => void;
    onDrop: (event: DragEvent) => void;
  };
}

/** Drag-and-drop of one file whose path the app needs (a layout, a bundle): the same rules everywhere. */
export function useFileDrop(
  pathForFile: ((file: File) => string) | null,
  onPath: (path: string) => void,
): FileDrop {
  const [dragging, setDragging] = useState(false);
  const [dropNote, setDropNote] = useState<string | null>(null);
  return {
    dragging,
    dropNote,
    handlers: {
      onDragOver: (event) => {
        event.preventDefault();
        setDragging(true);
      },
      onDragLeave: () => setDragging(false),
      onDrop: (event) => {
        event.preventDefault();
        setDragging(false);
        const path = droppedPath(event, pathForFile);
        if (path) {
          setDropNote(null);
          onPath(path);
        } else {
          setDropNote('This browser did not say where the file is: type or paste its full path instead.');
        }
      },
    },
  };
}
