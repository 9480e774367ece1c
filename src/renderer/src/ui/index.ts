export { Button } from './Button.tsx';
export { Dialog } from './Dialog.tsx';
export { IconButton } from './IconButton.tsx';
export { Input } from './Input.tsx';
export { Select, type SelectOption } from './Select.tsx';
export { Tabs, type Tab } from './Tabs.tsx';
