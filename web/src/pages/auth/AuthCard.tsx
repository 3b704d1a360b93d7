import type { ReactNode } from 'react';
import { Card, Flex } from 'antd';

export default function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Flex justify="center" style={{ paddingTop: 32 }}>
      <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{title}</h1>} style={{ width: '100%', maxWidth: 420 }}>
        {children}
      </Card>
    </Flex>
  );
}
