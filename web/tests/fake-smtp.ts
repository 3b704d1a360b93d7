import net from 'node:net';

/** Just enough SMTP (EHLO, MAIL, RCPT, DATA, QUIT; no TLS, no AUTH) on loopback to catch the server's mails. */
export async function startFakeSmtp() {
  const mails: string[] = [];
  const waiting: ((mail: string) => void)[] = [];
  const server = net.createServer((socket) => {
    let buffer = '';
    let data: string[] | null = null;
    socket.write('220 fake-smtp ready\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (data) {
          if (line === '.') {
            const mail = data.join('\n');
            data = null;
            const waiter = waiting.shift();
            if (waiter) waiter(mail);
            else mails.push(mail);
            socket.write('250 OK queued\r\n');
          } else data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const verb = line.split(' ')[0].toUpperCase();
        if (verb === 'DATA') {
          data = [];
          socket.write('354 end data with <CR><LF>.<CR><LF>\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    /** The next mail (or one already caught), as raw text. */
    nextMail: () => new Promise<string>((resolve) => (mails.length ? resolve(mails.shift()!) : waiting.push(resolve))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
