import { marked } from 'marked';

/** An operator's content option (home, about): a URL is shown in a frame, anything else as Markdown or HTML. */
export default function RichContent({ content, title }: { content: string; title: string }) {
  if (/^https?:\/\//.test(content.trim())) {
    return <iframe src={content.trim()} title={title} style={{ width: '100%', height: '80vh', border: 0 }} />;
  }
  return <div className="rich" dangerouslySetInnerHTML={{ __html: marked.parse(content, { async: false }) }} />;
}
